import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { WebhookSettings } from '../../config/lifecycle-settings.js';
import { DatabaseScope } from '../../database/database-scope.js';
import { SecretsService } from '../../database/secrets.service.js';
import { unseal } from '../../database/secret-box.js';
import { OutboxSignal } from '../events/outbox-signal.js';
import type { WebhookEvent } from '../events/webhook-event.entity.js';
import { ExpiryScanner } from '../expiry/expiry-scanner.js';
import type { Webhook } from '../webhook.entity.js';
import { retryDelayMs } from './backoff.js';
import { DeliveryQueueRepository, type DeliveryOutcome } from './delivery-queue.repository.js';
import { HttpSender, type SendResult } from './http-sender.js';
import { signatureOf } from './signature.js';
import type { WebhookDelivery } from './webhook-delivery.entity.js';

export const DELIVERY_HEADERS = {
  event: 'latchkey-event',
  delivery: 'latchkey-delivery',
  timestamp: 'latchkey-timestamp',
  signature: 'latchkey-signature',
} as const;

/** Events fanned out per transaction, and transactions per wake-up. */
const DISPATCH_BATCH = 100;
const DISPATCH_BATCHES = 10;
/** However fast the backoff, a delivery is attempted at most this often in all. */
const MAX_ATTEMPTS = 100;
const PRUNE_EVERY_MS = 3_600_000;

/** The JSON body of a delivery: the same bytes for every attempt and every webhook. */
export function payloadOf(event: WebhookEvent): string {
  return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), data: event.data });
}

export function hears(webhook: Webhook, event: WebhookEvent): boolean {
  return (
    webhook.enabled &&
    webhook.events.includes(event.type) &&
    (webhook.companyUid === null || webhook.companyUid === event.companyUid) &&
    webhook.createdAt.getTime() <= event.createdAt.getTime()
  );
}

/**
 * Every instance runs one worker. Each round it fans new outbox events out into deliveries, leases
 * due deliveries up to its free concurrency, runs the expiry scan when it is due, and prunes old
 * rows hourly; then it sleeps until woken (a local commit, a finished attempt, a webhook created)
 * or its poll comes round. While no enabled webhook exists it polls only as often as the expiry
 * scan runs: events still queue in the outbox and go out once a webhook listens (each webhook hears
 * only events newer than itself). Shutdown stops new rounds and waits for attempts in flight, each
 * bounded by the request timeout; a killed process leaves its leases to lapse, and the deliveries
 * they held are attempted again — at least once, with the same delivery id.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('Webhooks');
  private readonly settings: WebhookSettings;
  private readonly sender: HttpSender;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private woken = false;
  private wakeUp: (() => void) | null = null;
  /** Whether an enabled webhook existed at the last count: only then does the worker poll often. */
  private listening = true;
  private nextScanAt = 0;
  private nextPruneAt = 0;
  private stopped: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly queue: DeliveryQueueRepository,
    private readonly scope: DatabaseScope,
    private readonly secrets: SecretsService,
    private readonly scanner: ExpiryScanner,
    signal: OutboxSignal,
  ) {
    this.settings = config.webhooks;
    this.sender = new HttpSender(() => this.settings.allowedHosts, this.settings.timeoutMs, this.settings.concurrency);
    signal.subscribe(() => this.wake());
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops new rounds and waits for the attempts in flight (src/shutdown.ts, before the database closes). */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.running = false;
      this.wakeUp?.();
      await this.loop;
      await Promise.allSettled([...this.inFlight]);
      this.sender.close();
    })();
    return this.stopped;
  }

  /** Runs a round soon; `listening` when a webhook was just created or enabled here. */
  wake(listening = false): void {
    if (listening) this.listening = true;
    if (!this.listening) return;
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let failed = false;
      try {
        await this.round();
      } catch (error) {
        failed = true;
        this.logger.warn(`webhook round failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!this.running) break;
      if (this.woken && !failed) continue;
      await this.sleep(this.listening ? this.settings.pollMs : Math.max(0, this.nextScanAt - Date.now()));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private async round(): Promise<void> {
    const now = Date.now();
    if (now >= this.nextScanAt) {
      this.nextScanAt = now + this.settings.expiryScanMs;
      await this.scope.run(() => this.scanner.scan());
    }
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + PRUNE_EVERY_MS;
      await this.scope.run(() => this.queue.prune(new Date(now - this.settings.retentionDays * 86_400_000)));
    }
    this.listening = (await this.scope.run(() => this.queue.countEnabledWebhooks())) > 0;
    for (let batch = 0; batch < DISPATCH_BATCHES; batch++) {
      if ((await this.dispatch()) < DISPATCH_BATCH) break;
    }
    await this.claim();
  }

  /** Fans one batch of outbox events out into deliveries, in one transaction. */
  private dispatch(): Promise<number> {
    return this.scope.run(() =>
      this.queue.transactional(async () => {
        const now = new Date();
        const events = await this.queue.claimEvents(randomUUID(), now, DISPATCH_BATCH);
        if (!events.length) return 0;
        const tenants = [...new Set(events.map((event) => event.companyUid).filter((uid): uid is string => uid !== null))];
        const webhooks = await this.queue.listeningWebhooks(tenants);
        const giveUpAt = new Date(now.getTime() + this.settings.retryWindowMs);
        for (const event of events) {
          for (const webhook of webhooks) {
            if (!hears(webhook, event)) continue;
            this.queue.addDelivery({
              id: randomUUID(),
              webhook,
              event,
              status: 'pending',
              attempts: 0,
              nextAttemptAt: now,
              giveUpAt,
              leaseToken: null,
              createdAt: now,
              lastAttemptAt: null,
              lastStatusCode: null,
              lastError: '',
              deliveredAt: null,
            });
          }
        }
        await this.queue.flush();
        return events.length;
      }),
    );
  }

  private async claim(): Promise<void> {
    const free = this.settings.concurrency - this.inFlight.size;
    if (free <= 0) return;
    const token = randomUUID();
    const now = new Date();
    // Long enough for one attempt to finish: past it, the delivery is someone else's to try.
    const leaseEnds = new Date(now.getTime() + this.settings.timeoutMs + Math.min(30_000, this.settings.timeoutMs));
    const claimed = await this.scope.run(() => this.queue.claimDue(token, now, leaseEnds, free));
    for (const delivery of claimed) {
      const attempt: Promise<void> = this.attempt(delivery, token)
        .catch((error: unknown) => this.logger.warn(`delivery ${delivery.id} not recorded: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          this.inFlight.delete(attempt);
          this.wake();
        });
      this.inFlight.add(attempt);
    }
  }

  private async attempt(delivery: WebhookDelivery, token: string): Promise<void> {
    const { webhook, event } = delivery;
    const number = delivery.attempts + 1;
    const at = new Date();
    const result: SendResult = webhook.enabled ? await this.post(delivery, webhook, event) : { statusCode: null, error: 'The webhook is disabled.', durationMs: 0 };
    const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const finished = new Date();
    const next = new Date(finished.getTime() + retryDelayMs(number, this.settings.retryBaseMs));
    const givesUp = !succeeded && (!webhook.enabled || number >= MAX_ATTEMPTS || next.getTime() > delivery.giveUpAt.getTime());
    const outcome: DeliveryOutcome = {
      status: succeeded ? 'succeeded' : givesUp ? 'failed' : 'pending',
      attempts: number,
      nextAttemptAt: succeeded || givesUp ? finished : next,
      lastAttemptAt: at,
      lastStatusCode: result.statusCode,
      lastError: result.error,
      deliveredAt: succeeded ? finished : null,
    };
    await this.scope.run(() =>
      this.queue.complete(delivery.id, token, { number, at, durationMs: result.durationMs, statusCode: result.statusCode, error: result.error, succeeded }, outcome),
    );
    this.logger.debug(`delivery ${delivery.id} of ${event.type} to webhook ${webhook.id}: attempt ${number} ${succeeded ? 'succeeded' : `failed (${result.error})`}`);
  }

  private post(delivery: WebhookDelivery, webhook: Webhook, event: WebhookEvent): Promise<SendResult> {
    const body = payloadOf(event);
    const timestamp = Math.floor(Date.now() / 1000);
    const secret = unseal(webhook.sealedSecret, this.secrets.get('webhook-signing'));
    return this.sender.send(webhook.url, {
      'content-type': 'application/json',
      'user-agent': 'Latchkey-Webhooks/1',
      [DELIVERY_HEADERS.event]: event.type,
      [DELIVERY_HEADERS.delivery]: delivery.id,
      [DELIVERY_HEADERS.timestamp]: String(timestamp),
      [DELIVERY_HEADERS.signature]: signatureOf(secret, timestamp, body),
    }, body);
  }
}
