import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LatchkeyVerifier } from '../core/verifier.js';
import { LatchkeyGuard } from './latchkey.guard.js';
import { LATCHKEY_OPTIONS, type LatchkeyModuleAsyncOptions, type LatchkeyModuleOptions, type LatchkeyRootOptions } from './options.js';

const verifierProvider: Provider = {
  provide: LatchkeyVerifier,
  inject: [LATCHKEY_OPTIONS],
  useFactory: (options: LatchkeyModuleOptions) => new LatchkeyVerifier({ logger: new Logger('Latchkey'), ...options }),
};

function providers(globalGuard: boolean | undefined): Provider[] {
  const list: Provider[] = [verifierProvider, LatchkeyGuard];
  if (globalGuard !== false) list.push({ provide: APP_GUARD, useExisting: LatchkeyGuard });
  return list;
}

/**
 * Accept Latchkey API keys: `LatchkeyModule.forRoot({ url, serviceKey })` once in the root module
 * registers a global guard (see {@link LatchkeyGuard}) and a {@link LatchkeyVerifier} that follows
 * Latchkey's credential events until the application closes.
 */
@Global()
@Module({})
export class LatchkeyModule implements OnApplicationShutdown {
  constructor(@Inject(LatchkeyVerifier) private readonly verifier: LatchkeyVerifier) {}

  static forRoot(options: LatchkeyRootOptions): DynamicModule {
    return {
      module: LatchkeyModule,
      providers: [{ provide: LATCHKEY_OPTIONS, useValue: options }, ...providers(options.globalGuard)],
      exports: [LatchkeyVerifier, LatchkeyGuard, LATCHKEY_OPTIONS],
    };
  }

  static forRootAsync(options: LatchkeyModuleAsyncOptions): DynamicModule {
    return {
      module: LatchkeyModule,
      imports: options.imports ?? [],
      providers: [{ provide: LATCHKEY_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }, ...providers(options.globalGuard)],
      exports: [LatchkeyVerifier, LatchkeyGuard, LATCHKEY_OPTIONS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.verifier.close();
  }
}
