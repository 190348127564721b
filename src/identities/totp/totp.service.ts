import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Principal } from '../../access/principal.js';
import { AuditService } from '../../audit/audit.service.js';
import { ApiError } from '../../common/api-error.js';
import { SecretsService } from '../../database/secrets.service.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import { IdentitiesRepository } from '../identities.repository.js';
import { type Identity, sessionIdentityDefaults } from '../identity.entity.js';
import { identityTarget } from '../identity.mapper.js';
import { seal, unseal } from './secret-box.js';

const ISSUER = 'Latchkey';
/** Accept the previous and next 30-second step too, for clock drift. */
const TOLERANCE_SECONDS = 30;

/**
 * TOTP second-factor identities (provider TOTP). Enrolment creates a disabled identity holding the
 * sealed seed; a first valid code enables it. Each code is accepted once: the last accepted time
 * step is stored and later codes must come from a later step.
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  async enrol(principal: Principal, userUid: string): Promise<{ identity: Identity; otpauthUrl: string }> {
    if (userUid !== principal.userUid) throw ApiError.notFound('User');
    const user = await this.users.getManageable(principal, userUid);
    if (user.isService) throw ApiError.badRequest('Service users cannot log in, so they have no second factor.');
    const existing = await this.identities.find({ user, provider: 'TOTP' });
    if (existing.some((identity) => identity.status === 'enabled')) {
      throw ApiError.conflict('A second factor is already enrolled; delete it before enrolling another.');
    }
    const seed = generateSecret();
    // As for API keys: the audit entry names the new identity's id, so it follows the insert,
    // in the same transaction.
    const identity = await this.identities.transactional(async () => {
      existing.forEach((pending) => this.identities.remove(pending));
      const created = this.identities.add({
        user,
        provider: 'TOTP',
        description: 'Authenticator app',
        status: 'disabled',
        identifierInProvider: randomUUID(),
        creationDate: new Date(),
        secret: seal(seed, this.key()),
        ...sessionIdentityDefaults(),
        createdBy: principal.userUid,
      });
      await this.identities.flush();
      this.audit.recordChange(principal, 'identity.totpEnrolled', identityTarget(created), { userUid: user.instanceUid });
      return created;
    });
    return { identity, otpauthUrl: generateURI({ issuer: ISSUER, label: user.userName, secret: seed }) };
  }

  async confirm(principal: Principal, userUid: string, id: number, code: string): Promise<Identity> {
    if (userUid !== principal.userUid) throw ApiError.notFound('Identity');
    const identity = await this.identities.findOne({ id, provider: 'TOTP', user: userUid }, true);
    if (!identity) throw ApiError.notFound('Identity');
    if (identity.status === 'enabled') throw ApiError.conflict('This second factor is already confirmed.');
    const valid = await this.checkCode(identity, code);
    if (!valid) throw ApiError.badRequest('The code is not valid.', { propertyName: 'code' });
    identity.status = 'enabled';
    this.audit.recordChange(principal, 'identity.totpConfirmed', identityTarget(identity), { userUid: identity.user.instanceUid });
    await this.identities.flush();
    return identity;
  }

  async hasSecondFactor(user: User): Promise<boolean> {
    return (await this.identities.count({ user, provider: 'TOTP', status: 'enabled' })) > 0;
  }

  /** Which of these users (a page at most) have an enabled second factor, in one query. */
  async usersWithSecondFactor(users: readonly User[]): Promise<Set<string>> {
    if (!users.length) return new Set();
    const found = await this.identities.find({ user: { $in: users.map((user) => user.instanceUid) }, provider: 'TOTP', status: 'enabled' });
    return new Set(found.map((identity) => identity.user.instanceUid));
  }

  /** Check a login code: valid, unused, and consumed atomically so a replay in the same window fails. */
  async verifyLogin(user: User, code: string): Promise<boolean> {
    const identity = await this.identities.findOne({ user, provider: 'TOTP', status: 'enabled' }, true);
    return identity ? this.checkCode(identity, code) : false;
  }

  private async checkCode(identity: Identity, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code) || !identity.secret) return false;
    const result = await verify({
      secret: unseal(identity.secret, this.key()),
      token: code,
      epochTolerance: TOLERANCE_SECONDS,
      afterTimeStep: identity.otpLastTimeStep ?? undefined,
    }).catch(() => ({ valid: false as const }));
    if (!result.valid || !('timeStep' in result)) return false;
    if (!(await this.identities.claimTimeStep(identity.id, identity.otpLastTimeStep ?? null, result.timeStep, new Date()))) return false;
    identity.otpLastTimeStep = result.timeStep;
    return true;
  }

  private key(): Buffer {
    return this.secrets.get('totp-encryption');
  }
}
