/** `@latchkey/nest`: the NestJS module, guard and decorators, and everything of `@latchkey/nest/core`. */
export * from './core/index.js';
export { LATCHKEY_PERMISSIONS, LATCHKEY_PUBLIC, LatchkeySubject, Public, RequirePermissions, SUBJECT_PROPERTY } from './nest/decorators.js';
export { envelopeOf, LatchkeyGuard, LatchkeyRefusalException } from './nest/latchkey.guard.js';
export { LatchkeyModule } from './nest/latchkey.module.js';
export { LATCHKEY_OPTIONS, type LatchkeyModuleAsyncOptions, type LatchkeyModuleOptions, type LatchkeyRootOptions } from './nest/options.js';
