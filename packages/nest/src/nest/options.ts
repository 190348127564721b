import type { ModuleMetadata } from '@nestjs/common';
import type { Refusal } from '../core/answers.js';
import type { VerifierOptions } from '../core/verifier.js';

export const LATCHKEY_OPTIONS = Symbol('LATCHKEY_OPTIONS');

export interface LatchkeyModuleOptions extends VerifierOptions {
  /** The realm of the `WWW-Authenticate` challenge on 401 (default `latchkey`). */
  realm?: string;
  /** The body of a refusal (default the envelope `{ errors: [ { message, type, code } ] }`). */
  errorBody?: (refusal: Refusal) => object;
}

export interface LatchkeyModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: any[]) => LatchkeyModuleOptions | Promise<LatchkeyModuleOptions>;
  inject?: any[];
  /** See {@link LatchkeyRootOptions.globalGuard}. */
  globalGuard?: boolean;
}

export interface LatchkeyRootOptions extends LatchkeyModuleOptions {
  /**
   * Register the guard for every route (default true). With false, guard controllers yourself
   * with `@UseGuards(LatchkeyGuard)`.
   */
  globalGuard?: boolean;
}
