import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryQueueRepository } from '../../src/webhooks/delivery/delivery-queue.repository.js';
import { DeliveryWorker } from '../../src/webhooks/delivery/delivery-worker.js';
import { WebhooksRepository } from '../../src/webhooks/webhooks.repository.js';
import { testDialect } from '../support/database.js';
import { type Services, startServices } from '../support/medium.js';

/**
 * The queue's claims under contention: two instances on one PostgreSQL database (one instance on
 * SQLite, which serves one), each with several claimers running at once, never take the same event
 * or delivery, and together take all of them. The instances' own workers are stopped first.
 */
const ROWS = 120;
const CLAIMERS = 6;

describe('delivery queue claims', () => {
  let a: Services;
  let b: Services;
  let webhookId: string;

  beforeAll(async () => {
    a = await startServices();
    b = testDialect() === 'postgresql' ? await startServices({}, a.db) : a;
    for (const s of new Set([a, b])) await s.get(DeliveryWorker).stop();
    webhookId = randomUUID();
    await a.work(async () => {
      const now = new Date();
      a.get(WebhooksRepository).add({ id: webhookId, companyUid: null, url: 'http://127.0.0.1:9/', events: ['key.created'], description: '', enabled: false, sealedSecret: 'v1:x:y:z', createdBy: null, createdAt: now, updatedAt: now });
      await a.get(WebhooksRepository).flush();
    });
  });
  afterAll(async () => {
    if (b !== a) await b?.close();
    await a?.close();
  });

  /** Runs `claim` from CLAIMERS callers on each instance at once, until a round claims nothing. */
  async function claimAll(claim: (s: Services) => Promise<string[]>): Promise<string[]> {
    const claimed: string[] = [];
    for (let round = 0; round < 50; round++) {
      const batches = await Promise.all([a, b === a ? a : b].flatMap((s) => Array.from({ length: CLAIMERS }, () => s.work(() => claim(s)))));
      const got = batches.flat();
      if (!got.length) break;
      claimed.push(...got);
    }
    return claimed;
  }

  it('fans each outbox event out once', async () => {
    const ids = await a.work(async () => {
      const queue = a.get(DeliveryQueueRepository);
      const made = Array.from({ length: ROWS }, () => queue.addEvent({ id: randomUUID(), type: 'key.created', companyUid: null, createdAt: new Date(), data: {}, dispatchToken: null, dispatchedAt: null }).id);
      await queue.flush();
      return made;
    });
    const claimed = await claimAll((s) => {
      const queue = s.get(DeliveryQueueRepository);
      return queue.transactional(async () => (await queue.claimEvents(randomUUID(), new Date(), 7)).map((event) => event.id));
    });
    expect(claimed.length).toBe(new Set(claimed).size);
    expect(new Set(claimed)).toEqual(new Set(ids));
  });

  it('leases each due delivery to one claimer', async () => {
    const ids = await a.work(async () => {
      const queue = a.get(DeliveryQueueRepository);
      const now = new Date(Date.now() - 1000);
      const made: string[] = [];
      for (let i = 0; i < ROWS; i++) {
        const event = queue.addEvent({ id: randomUUID(), type: 'key.created', companyUid: null, createdAt: now, data: {}, dispatchToken: null, dispatchedAt: now });
        made.push(
          queue.addDelivery({
            id: randomUUID(), webhook: webhookId, event, status: 'pending', attempts: 0, nextAttemptAt: now, giveUpAt: new Date(Date.now() + 86_400_000),
            leaseToken: null, createdAt: now, lastAttemptAt: null, lastStatusCode: null, lastError: '', deliveredAt: null,
          }).id,
        );
      }
      await queue.flush();
      return made;
    });
    const lease = () => new Date(Date.now() + 60_000);
    const claimed = await claimAll(async (s) => (await s.get(DeliveryQueueRepository).claimDue(randomUUID(), new Date(), lease(), 7)).map((d) => d.id));
    expect(claimed.length).toBe(new Set(claimed).size);
    expect(new Set(claimed)).toEqual(new Set(ids));
  });
});
