// After the traffic: what the database holds (read directly with `pg`, not through Latchkey) against
// what was acknowledged; the failures inside and outside the fault windows; the request lines
// missing from the logs of stopped instances.
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { SETTLE_MS } from './faults.mjs';

const hashOf = (secret, key) => createHmac('sha256', secret).update(key).digest('hex');
const prefixOf = (key) => key.slice(0, 11);

/** Reads the rows of the soak's identities, their secrets and audit entries. */
async function readDatabase(databaseUrl, ids, descriptions) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const secretRow = await client.query(`select value from server_secrets where name = 'api-key-hmac'`);
    const secret = Buffer.from(secretRow.rows[0].value, 'base64url');
    const identities = await client.query(
      'select id, description, status, key_prefix, rate_limit_per_minute, last_used_at, last_used_from from identities where id = any($1::int[]) or description = any($2::text[])',
      [ids, descriptions],
    );
    const secrets = await client.query('select hash, identity_id from api_key_secrets where identity_id = any($1::int[])', [identities.rows.map((r) => r.id).concat(ids)]);
    const audit = await client.query(
      `select action, target_id, from_address, count(*)::int as n from audit_entries
        where action in ('identity.created','identity.updated','identity.rotated','identity.deleted','identity.revokedByValue','identity.used','login.succeeded')
        group by action, target_id, from_address`,
    );
    // Every key identity the lifecycle lanes made, known to the soak or not (a write applied twice).
    const lanes = await client.query(`select id, description from identities where description ~ '^soak-(c|p)-[0-9]+'`);
    return { secret, identities: identities.rows, secrets: secrets.rows, audit: audit.rows, lanes: lanes.rows };
  } finally {
    await client.end();
  }
}

export async function checkDatabase(databaseUrl, model) {
  const identities = [...model.identities.values()];
  const canaryIds = model.canaries.map((c) => c.identityId);
  const db = await readDatabase(
    databaseUrl,
    identities.map((i) => i.id).concat(canaryIds),
    model.failedCreates.map((f) => f.description),
  );
  const rows = new Map(db.identities.map((r) => [r.id, r]));
  const hashes = new Map(db.secrets.map((s) => [s.hash, s.identity_id]));
  const secretsOf = (id) => db.secrets.filter((s) => s.identity_id === id).length;
  const auditCount = (action, targetId) => db.audit.filter((a) => a.action === action && a.target_id === String(targetId)).reduce((n, a) => n + a.n, 0);
  const auditFrom = (action, address) => db.audit.some((a) => a.action === action && a.from_address === address);
  const lost = [];
  const halfApplied = [];
  const auditLost = [];
  const revokedInDatabase = [];

  for (const identity of identities) {
    const row = rows.get(identity.id);
    const gone = identity.terminal === 'deleted' || identity.terminal === 'revokedByValue';
    const problems = [];
    if (!identity.uncertain) {
      if (gone) {
        if (row) problems.push('deleted identity still present');
        for (const key of [identity.key, ...identity.oldKeys]) if (hashes.has(hashOf(db.secret, key))) problems.push('key of a deleted identity still stored');
      } else if (!row) {
        problems.push('identity missing');
      } else {
        if (row.description !== identity.description) problems.push(`description ${row.description} != ${identity.description}`);
        if (row.status !== identity.status) problems.push(`status ${row.status} != ${identity.status}`);
        if (row.rate_limit_per_minute !== identity.rateLimitPerMinute) problems.push(`rateLimitPerMinute ${row.rate_limit_per_minute} != ${identity.rateLimitPerMinute}`);
        if (!hashes.has(hashOf(db.secret, identity.key))) problems.push('current key not stored');
        if (row.key_prefix !== prefixOf(identity.key)) problems.push('key prefix is not the current key');
        for (const key of identity.oldKeys) if (hashes.has(hashOf(db.secret, key))) problems.push('rotated-away key still stored');
      }
      if (problems.length) lost.push({ id: identity.id, problems });
    } else {
      // The write that answered an error: all of it or none of it, with its audit entry iff applied.
      const { op, action, before, after } = identity.uncertain;
      const oldStored = hashes.has(hashOf(db.secret, before.key));
      let applied;
      if (op === 'patch' || op === 'disable') {
        const matches = (state) => row && Object.entries(state).every(([k, v]) => (k === 'rateLimitPerMinute' ? row.rate_limit_per_minute : row[k]) === v);
        const beforeFields = Object.fromEntries(Object.keys(after).map((k) => [k, before[k]]));
        applied = matches(after) ? true : matches(beforeFields) ? false : null;
      } else if (op === 'rotate') {
        const n = row ? secretsOf(identity.id) : 0;
        applied = row && !oldStored && n === 1 && row.key_prefix !== prefixOf(before.key) ? true : row && oldStored && n === 1 && row.key_prefix === prefixOf(before.key) ? false : null;
      } else {
        applied = !row && !oldStored ? true : row && oldStored ? false : null;
      }
      const expectedAudit = identity.acked[action] + (applied ? 1 : 0);
      const audited = auditCount(action, identity.id);
      if (applied === null || audited !== expectedAudit) halfApplied.push({ id: identity.id, op, applied, audited, expectedAudit, status: identity.uncertain.status });
      // A revocation (or rotation) that did happen: its key must be refused like an acknowledged one.
      if (applied && op !== 'patch') revokedInDatabase.push({ key: before.key, identityId: identity.id, how: `${op} (answered ${identity.uncertain.status || identity.uncertain.error})` });
      // Acknowledged writes before the failed one must still be there.
      if (applied === false && row && row.description !== before.description) lost.push({ id: identity.id, problems: ['earlier acknowledged patch lost'] });
    }
    for (const [action, acked] of Object.entries(identity.acked)) {
      if (identity.uncertain?.action === action) continue;
      const audited = auditCount(action, identity.id);
      if (audited < acked) auditLost.push({ id: identity.id, action, acked, audited });
    }
  }

  for (const failed of model.failedCreates) {
    const found = db.identities.filter((r) => r.description === failed.description);
    if (found.length > 1) halfApplied.push({ description: failed.description, op: 'create', applied: 'twice' });
    else if (found.length === 1) {
      const id = found[0].id;
      if (secretsOf(id) !== 1 || auditCount('identity.created', id) !== 1) halfApplied.push({ description: failed.description, op: 'create', applied: null });
    }
  }

  const known = new Set(identities.map((i) => i.id));
  const failedDescriptions = new Set(model.failedCreates.map((f) => f.description));
  const twice = db.lanes.filter((r) => !known.has(r.id) && !failedDescriptions.has(r.description)).map((r) => ({ id: r.id, description: r.description }));
  for (const h of halfApplied) if (h.applied === 'twice') twice.push(h);

  // Last-used time and buffered audit entries of the canaries (used right before their instance stopped).
  const buffers = { SIGTERM: [], SIGKILL: [] };
  for (const canary of model.canaries) {
    const row = rows.get(canary.identityId);
    const missing = [];
    if (canary.used && !row?.last_used_at) missing.push('lastUsedAt');
    if (canary.used && !auditCount('identity.used', canary.identityId)) missing.push('identity.used audit entry');
    if (canary.loggedIn && !auditFrom('login.succeeded', canary.loginAddress)) missing.push('login.succeeded audit entry');
    buffers[canary.signal].push({ instance: canary.instance, identityId: canary.identityId, missing });
  }
  const loginsAudited = model.logins.filter((l) => auditFrom('login.succeeded', l.address)).length;

  return { lost, halfApplied: halfApplied.filter((h) => h.applied !== 'twice'), twice, auditLost, revokedInDatabase, buffers, logins: { acknowledged: model.logins.length, audited: loginsAudited } };
}

/** Failures inside and outside the fault windows, and those explained by a killed instance. */
export function classifyFailures(model, haproxyLog) {
  const windows = model.faults.map((f) => ({ ...f, from: f.start, to: (f.end ?? Date.now()) + SETTLE_MS }));
  const outside = [];
  const byKind = {};
  const unexplainedKill = [];
  let unexpected4xx = 0;
  for (const r of model.requests) {
    if (!r.ok && !r.failed) unexpected4xx++;
    if (!r.failed) continue;
    const inside = windows.filter((w) => r.t0 < w.to && r.t1 > w.from);
    if (!inside.length) {
      outside.push({ id: r.id, op: r.op, status: r.status, error: r.error, at: r.t0 - model.startedAt });
      continue;
    }
    // A request that spans two faults counts for the one that explains most: a database outage
    // fails anything, a killed instance only what it had in flight.
    const fault = inside.find((w) => w.kind === 'postgres') ?? inside.find((w) => w.kind === 'kill') ?? inside[0];
    (byKind[fault.kind] ??= []).push({ id: r.id, op: r.op, status: r.status, error: r.error });
    if (fault.kind === 'kill') {
      // In flight on the killed instance: HAProxy's log names it, or (for a request on a reused
      // keep-alive connection, which HAProxy closes silently without a log line so that the client
      // may retry) the client lost its connection while the kill happened.
      const logged = haproxyLog.get(r.id);
      const killedAt = fault.details.killedAt;
      const spanned = r.t0 <= killedAt + 200 && r.t1 >= killedAt;
      const onVictim = logged ? logged.server === fault.details.instance && spanned : r.status === 0 && spanned;
      if (!onVictim) unexplainedKill.push({ id: r.id, op: r.op, status: r.status, error: r.error, t0: r.t0 - killedAt, t1: r.t1 - killedAt, haproxy: logged ?? null });
    }
  }
  const count = (kind) => byKind[kind]?.length ?? 0;
  return { outside, byKind, unexplainedKill, unexpected4xx, count };
}

/**
 * Request lines that an instance answered but did not write to its log before it stopped: for
 * each stopped lifetime, the answers it gave (by request id) against its log's request lines.
 */
export function missingLogLines(lifetimes, model, probes) {
  const answered = new Map(); // lifetime -> ids
  const lifetimeAt = (name, t) => lifetimes.find((l) => l.name === name && l.startedAt <= t && (!l.exit || l.exit.at >= t));
  const add = (name, t, id) => {
    const lifetime = lifetimeAt(name, t);
    if (!lifetime) return;
    if (!answered.has(lifetime)) answered.set(lifetime, []);
    answered.get(lifetime).push(id);
  };
  for (const r of model.requests) if (r.servedBy && r.status) add(r.servedBy, r.t1, r.id);
  for (const a of probes.answered) add(a.instance, a.t1, a.id);
  const result = { SIGTERM: { answered: 0, missing: 0, byLifetime: [] }, SIGKILL: { answered: 0, missing: 0, byLifetime: [] } };
  for (const [lifetime, ids] of answered) {
    if (!lifetime.endedBy || !result[lifetime.endedBy] || !existsSync(lifetime.logFile)) continue;
    const logged = new Set();
    for (const line of readFileSync(lifetime.logFile, 'utf8').split('\n')) {
      if (!line.includes('"request completed"')) continue;
      try {
        logged.add(JSON.parse(line).reqId);
      } catch {
        // a torn last line
      }
    }
    const missing = ids.filter((id) => !logged.has(id));
    const bucket = result[lifetime.endedBy];
    bucket.answered += ids.length;
    bucket.missing += missing.length;
    bucket.byLifetime.push({ instance: lifetime.name, generation: lifetime.generation, answered: ids.length, missing: missing.length });
  }
  return result;
}
