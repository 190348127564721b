import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { type DynamicModule, type LoggerService, type LogLevel, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LatchkeyModule, type LatchkeyRootOptions, type VerifiedSubject } from '@latchkey/nest';
import { EnvelopeFilter } from './errors.js';
import { VmStore } from './vm-store.js';
import { HealthController, VmsController } from './vms.controller.js';
import { UNGUARDED_SUBJECT, VM_STORE, VmsService } from './vms.service.js';

/** `examples/vm-service/data/vms.sqlite`, from `src/` and `dist/` alike. */
export const DEFAULT_DATABASE_PATH = fileURLToPath(new URL('../data/vms.sqlite', import.meta.url));

/** Whom every request acts as when the service is built without the guard. */
export const ANONYMOUS_SUBJECT: VerifiedSubject = Object.freeze({
  identityId: 0,
  userUid: 'unguarded',
  userName: 'unguarded',
  companyId: 'unguarded',
  companyName: 'unguarded',
  role: '',
  permissions: [],
  scopes: [],
  readOnly: false,
  ownObjectsOnly: false,
  expiresAt: null,
  rateLimit: null,
});

export interface VmServiceOptions {
  /** Where Latchkey is and this service's key (`LatchkeyModule.forRoot` options). */
  latchkey?: LatchkeyRootOptions;
  /**
   * `false` builds the same routes without the SDK: no key is asked for and every request acts as
   * `subject`. Only for measuring what the guard costs (the benchmark's baseline); never serve it.
   */
  guard?: boolean;
  /** Without the guard, whom requests act as (default {@link ANONYMOUS_SUBJECT}). */
  subject?: VerifiedSubject;
  /** SQLite file (default {@link DEFAULT_DATABASE_PATH}); `:memory:` for a throwaway one. */
  databasePath?: string;
  /** Trust `X-Forwarded-For` from these proxies (Fastify's `trustProxy`); the address goes to Latchkey. */
  trustProxy?: boolean | string | string[];
  logger?: LoggerService | LogLevel[] | false;
}

@Module({})
class VmServiceModule {
  static forRoot(options: VmServiceOptions): DynamicModule {
    const guard = options.guard ?? true;
    if (guard && !options.latchkey) throw new TypeError('createVmService needs latchkey: { url, serviceKey } (or guard: false for a benchmark baseline).');
    const path = options.databasePath ?? DEFAULT_DATABASE_PATH;
    return {
      module: VmServiceModule,
      imports: guard ? [LatchkeyModule.forRoot(options.latchkey as LatchkeyRootOptions)] : [],
      controllers: [VmsController, HealthController],
      providers: [
        { provide: VM_STORE, useFactory: () => new VmStore(path) },
        { provide: UNGUARDED_SUBJECT, useValue: guard ? null : (options.subject ?? ANONYMOUS_SUBJECT) },
        VmsService,
      ],
    };
  }
}

/**
 * The example resource server: SimpleVM's machine routes on Fastify, each guarded by
 * `@latchkey/nest`. Returns the application, not yet listening.
 */
export async function createVmService(options: VmServiceOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 16 * 1024,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(VmServiceModule.forRoot(options), adapter, {
    logger: options.logger ?? ['log', 'warn', 'error'],
  });
  app.useGlobalFilters(new EnvelopeFilter());
  return app;
}
