import type { Server } from 'node:http';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuditService } from './audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { CredentialRelay } from './identities/credential-changes/credential-relay.js';
import { LastUsedRecorder } from './identities/last-used.recorder.js';
import type { Loggers } from './observability/logging.js';
import { ShutdownState } from './observability/shutdown-state.js';
import { DeliveryWorker } from './webhooks/delivery/delivery-worker.js';

/** Share of SHUTDOWN_TIMEOUT_SECONDS that requests in flight get before their connections are cut. */
const IN_FLIGHT_SHARE = 0.5;

/**
 * The order in which an instance lets go, in one place (Nest's own hook order would close the
 * database before the buffers are written): the HTTP server closes (no new connections; requests
 * in flight finish, bounded), then the last-used times are written, then the audit buffer they
 * add to (waiting for a batch already under way), then the webhook worker finishes its attempts
 * in flight, then the credential relay stops; after this hook, Nest closes the ORM and Redis. It runs on every `app.close()`, in the suites too.
 */
@Injectable()
export class ShutdownSequence implements BeforeApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly lastUsed: LastUsedRecorder,
    private readonly audit: AuditService,
    private readonly webhooks: DeliveryWorker,
    private readonly relay: CredentialRelay,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.closeHttp();
    await this.lastUsed.flush();
    await this.audit.drain();
    await this.webhooks.stop();
    await this.relay.close();
  }

  private async closeHttp(): Promise<void> {
    const adapter = this.adapterHost.httpAdapter;
    const server = adapter.getHttpServer() as Server;
    const cut = setTimeout(() => server.closeAllConnections(), this.config.shutdownTimeoutSeconds * 1000 * IN_FLIGHT_SHARE);
    try {
      await adapter.close();
    } finally {
      clearTimeout(cut);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM (or SIGINT): drain for SHUTDOWN_DRAIN_SECONDS — `/health/ready` answers 503, requests
 * are still served, each with `Connection: close` — then close in ShutdownSequence's order, write
 * the last log lines and exit 0. A second signal ends the drain at once. If closing takes longer
 * than SHUTDOWN_TIMEOUT_SECONDS, the instance says so and exits 1 (before systemd's
 * TimeoutStopSec would kill it without a word).
 */
export function stopOnSignals(app: NestFastifyApplication, config: AppConfig, loggers: Loggers): void {
  const logger = new Logger('Shutdown');
  let endDrain: (() => void) | null = null;
  let stopping = false;
  const exit = async (code: number) => {
    await loggers.flush();
    process.exit(code);
  };
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      endDrain?.();
      return;
    }
    stopping = true;
    app.get(ShutdownState).beginDrain();
    logger.log(`${signal}: draining for ${config.shutdownDrainSeconds} s`);
    await Promise.race([sleep(config.shutdownDrainSeconds * 1000), new Promise<void>((resolve) => (endDrain = resolve))]);
    endDrain = null;
    const bound = setTimeout(() => {
      logger.error(`shutdown did not finish within ${config.shutdownTimeoutSeconds} s; exiting`);
      void exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    try {
      await app.close();
    } catch (error) {
      logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      clearTimeout(bound);
      return exit(1);
    }
    clearTimeout(bound);
    logger.log('shut down');
    await exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (received) => void stop(received));
}
