import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import { IdentitiesRepository } from '../../src/identities/identities.repository.js';
import { IdentitiesService } from '../../src/identities/identities.service.js';
import { type Services, startServices } from '../support/medium.js';

/**
 * Last-used times are written in batches by every instance; two instances that saw the same keys
 * write the same rows at the same time. Their batches must never deadlock (PostgreSQL would abort
 * one of them, and its times would be lost).
 */
describe('last-used batches', () => {
  let s: Services;
  let admin: Principal;
  let adminUid: string;
  const ids: number[] = [];

  beforeAll(async () => {
    s = await startServices();
    admin = await s.as('admin');
    adminUid = admin.userUid;
    for (let i = 0; i < 12; i++) ids.push((await s.work(() => s.get(IdentitiesService).createApiKey(admin, adminUid, { description: `lu-${i}`, scopes: ['rest'] }))).identity.id);
  });
  afterAll(async () => s?.close());

  it('two batches over the same keys in opposite orders both commit', async () => {
    const repository = s.get(IdentitiesRepository);
    const batch = (order: number[], at: Date) => new Map(order.map((id) => [id, { at, from: '192.0.2.1' }] as const));
    for (let round = 0; round < 5; round++) {
      const at = new Date(Date.UTC(2030, 0, 1, 0, 0, round));
      const outcomes = await Promise.allSettled([
        s.work(() => repository.recordUses(batch(ids, at))),
        s.work(() => repository.recordUses(batch([...ids].reverse(), at))),
      ]);
      expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
    }
    const rows = await s.work(() => repository.find({ id: { $in: ids } }));
    expect(rows.map((r) => r.lastUsedAt?.toISOString())).toEqual(ids.map(() => '2030-01-01T00:00:04.000Z'));
  });
});
