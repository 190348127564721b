import { MikroORM } from '@mikro-orm/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/access/principal.js';
import { CredentialChangeLogEntry } from '../../src/identities/credential-changes/change-log-entry.entity.js';
import { CREDENTIALS_CHANNEL, CredentialRelay } from '../../src/identities/credential-changes/credential-relay.js';
import { IdentitiesService } from '../../src/identities/identities.service.js';
import { Identity } from '../../src/identities/identity.entity.js';
import { testDialect } from '../support/database.js';
import { type Services, startServices } from '../support/medium.js';

/**
 * A credential change is announced to the other instances by the transaction that makes it: a
 * NOTIFY or a change-log row that commits with the change (whatever the instance's own feed is
 * doing) and vanishes with a rolled-back one.
 */
describe.runIf(testDialect() === 'postgresql').each(['notify', 'poll'] as const)('credential announcements (CREDENTIAL_EVENTS=%s)', (mode) => {
  let s: Services;
  let admin: Principal;
  let listener: pg.Client;
  const heard: string[] = [];

  beforeAll(async () => {
    s = await startServices({ CREDENTIAL_EVENTS: mode });
    admin = await s.as('admin');
    listener = new pg.Client({ connectionString: s.db.url });
    await listener.connect();
    listener.on('notification', (n) => n.channel === CREDENTIALS_CHANNEL && heard.push(n.payload ?? ''));
    await listener.query(`listen ${CREDENTIALS_CHANNEL}`);
    // The instance's own feed is gone: announcing must not need it.
    await s.get(CredentialRelay).close();
  });
  afterAll(async () => {
    await listener?.end();
    await s?.close();
  });

  const newKey = () => s.work(() => s.get(IdentitiesService).createApiKey(admin, admin.userUid, { description: 'announced', scopes: ['rest'] }));
  const logged = () => s.work(() => s.get<MikroORM>(MikroORM).em.fork().find(CredentialChangeLogEntry, {}, { orderBy: { id: 'asc' } }));
  /** A NOTIFY is delivered after the commit: a round trip on the listener makes sure it has arrived. */
  const announced = async () => {
    await listener.query('select 1');
    return mode === 'poll' ? (await logged()).map((row) => row.message) : [...heard];
  };
  const disable = (id: number, then: 'commit' | 'rollback') =>
    s.get<MikroORM>(MikroORM).em.fork().transactional(async (tx) => {
      const identity = await tx.findOneOrFail(Identity, id);
      identity.status = 'disabled';
      await tx.flush();
      if (then === 'rollback') throw new Error('rolled back on purpose');
    });

  it('a committed change is announced once, with its identity', async () => {
    const { identity } = await newKey();
    const before = (await announced()).length;
    await disable(identity.id, 'commit');
    const messages = (await announced()).slice(before);
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0])).toMatchObject({ origin: s.get(CredentialRelay).instanceId, change: { kind: 'changed', identities: [identity.id] } });
  });

  it('a rolled-back change is not announced', async () => {
    const { identity } = await newKey();
    const before = (await announced()).length;
    await expect(disable(identity.id, 'rollback')).rejects.toThrow('rolled back on purpose');
    expect((await announced()).slice(before)).toEqual([]);
  });

  it('only the configured way is used', async () => {
    if (mode === 'poll') expect(heard).toEqual([]);
    else expect(await logged()).toEqual([]);
  });
});
