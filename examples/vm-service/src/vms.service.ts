import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { VerifiedSubject } from '@latchkey/nest';
import { apiError } from './errors.js';
import type { NewVm, VmAction } from './vm-input.js';
import { type Vm, type VmScope, VmStore } from './vm-store.js';

export const VM_STORE = Symbol('VM_STORE');
/** Whom requests act as when the service is built without the guard (the benchmark's baseline). */
export const UNGUARDED_SUBJECT = Symbol('UNGUARDED_SUBJECT');

const STATUS_AFTER: Record<VmAction, Vm['status']> = { stop: 'SHUTOFF', resume: 'ACTIVE' };

/**
 * Machines, always scoped by the verified subject: a key sees its company's machines, and an
 * own-objects key only those its user owns. New machines belong to the key's user.
 */
@Injectable()
export class VmsService implements OnApplicationShutdown {
  constructor(
    @Inject(VM_STORE) private readonly store: VmStore,
    @Inject(UNGUARDED_SUBJECT) private readonly unguarded: VerifiedSubject | null,
  ) {}

  list(subject: VerifiedSubject | undefined, limit: number, offset: number): Vm[] {
    return this.store.list(this.scopeOf(subject), limit, offset);
  }

  create(subject: VerifiedSubject | undefined, vm: NewVm): Vm {
    const who = this.who(subject);
    return this.store.insert(vm, who.userUid, who.companyId);
  }

  act(subject: VerifiedSubject | undefined, id: number, action: VmAction): Vm {
    const vm = this.store.get(this.scopeOf(subject), id);
    if (!vm) throw apiError(404, 'Machine was not found.');
    const status = STATUS_AFTER[action];
    if (vm.status !== status) this.store.setStatus(id, status);
    return { ...vm, status };
  }

  onApplicationShutdown(): void {
    this.store.close();
  }

  private scopeOf(subject: VerifiedSubject | undefined): VmScope {
    const who = this.who(subject);
    return { companyId: who.companyId, ownerUid: who.ownObjectsOnly ? who.userUid : null };
  }

  /** The guard always leaves a subject; without the guard the configured stand-in acts. */
  private who(subject: VerifiedSubject | undefined): VerifiedSubject {
    const who = subject ?? this.unguarded;
    if (!who) throw new Error('No verified subject on a guarded route.');
    return who;
  }
}
