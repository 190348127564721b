// Mixed traffic through HAProxy, paced and bounded: authenticated reads with many keys; key
// lifecycles (create, patch, rotate, then disable, delete, revoke or delete by value); password
// logins, token refreshes and failed logins; unknown and malformed keys. Every answer goes into the
// model; every acknowledged revocation is handed to the probes.
import { bearer } from './http.mjs';
import { ADMIN, API, clientAddress, createKey, login, USER_PASSWORD } from './setup.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const FAILED_LOGIN_ADDRESSES = ['198.51.100.7', '198.51.100.8', '198.51.100.9'];

export class Traffic {
  constructor({ lb, model, probes, data, readsPerSecond = 100, lanes = 3, log }) {
    this.lb = lb;
    this.model = model;
    this.probes = probes;
    this.data = data;
    this.readsPerSecond = readsPerSecond;
    this.lanes = lanes;
    this.log = log;
    this.running = false;
    this.loops = [];
    this.sequence = 0;
    this.session = null; // a password user's session, refreshed over and over
  }

  start() {
    this.running = true;
    this.loops = [
      this.paced(1000 / this.readsPerSecond, 48, () => this.read()),
      ...Array.from({ length: this.lanes }, () => this.lifecycle()),
      // Password checks (argon2) cost tens of milliseconds of CPU each: a few a second.
      this.paced(800, 2, () => this.passwordLogin()),
      this.paced(2000, 1, () => this.refresh()),
      this.paced(1500, 1, () => this.failedLogin()),
      this.paced(400, 4, () => this.badKey()),
    ];
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Calls `work` every `intervalMs`, with at most `inFlight` calls outstanding. */
  async paced(intervalMs, inFlight, work) {
    const pending = new Set();
    let next = Date.now();
    while (this.running) {
      if (pending.size < inFlight) {
        const job = work().catch((error) => this.log(`traffic: ${error.stack ?? error}`));
        pending.add(job);
        void job.finally(() => pending.delete(job));
      }
      next += intervalMs;
      await sleep(Math.max(0, next - Date.now()));
      if (Date.now() - next > 1000) next = Date.now(); // fell behind (a stall): do not burst to catch up
    }
    await Promise.all([...pending]);
  }

  async read() {
    const { key, userUid } = pick(this.data.stable);
    const roll = Math.random();
    const path = roll < 0.6 ? `${API}/ping/authenticated` : roll < 0.9 ? `${API}/users/me` : `${API}/users/${userUid}/logins?limit=5`;
    this.model.note('read', await this.lb.get(path, { headers: bearer(key) }));
  }

  /** The administrator session; a new one when the old one is refused. */
  async admin(res) {
    if (res && res.status === 401) this.data.session.token = (await login(this.lb, ADMIN.username, ADMIN.password)).access_token;
    return this.data.session.token;
  }

  async lifecycle() {
    while (this.running) {
      try {
        // A client that got an error waits a second before it goes on (no tight loop on failures).
        await sleep((await this.oneKey()) === false ? 1000 : 100);
      } catch (error) {
        this.log(`lifecycle: ${error.stack ?? error}`);
        await sleep(500);
      }
    }
  }

  /** One key from creation to revocation; a write that answers an error ends it (the outcome is unknown). */
  async oneKey() {
    const n = ++this.sequence;
    const userUid = pick(this.data.services);
    const description = `soak-c-${n}`;
    const rateLimitPerMinute = 500_000 + (n % 1000);
    const created = await createKey(this.lb, await this.admin(), userUid, { description, rateLimitPerMinute });
    if (!this.model.note('create', created)) {
      if (created.status === 401) await this.admin(created);
      this.model.failedCreates.push({ description, userUid, status: created.status, error: created.error ?? null });
      return false;
    }
    const identity = this.model.addIdentity({ id: created.body.data.id, userUid, key: created.body.data.parameters, description, rateLimitPerMinute });
    const step = async () => {
      await sleep(150 + Math.random() * 200);
      return this.running;
    };
    const use = async () => {
      for (let i = 0; i < 2; i++) this.model.note('read-new-key', await this.lb.get(`${API}/ping/authenticated`, { headers: bearer(identity.key) }));
    };
    await use();
    const patches = 1 + Math.floor(Math.random() * 2);
    for (let p = 0; p < patches; p++) {
      if (!(await step())) return true;
      if (!(await this.patch(identity, n, p))) return false;
      await use();
    }
    if (Math.random() < 0.6) {
      if (!(await step())) return true;
      if (!(await this.rotate(identity))) return false;
      await use();
    }
    if (!(await step())) return true;
    return this.revoke(identity, pick(['disable', 'delete', 'revokeByValue', 'deleteByValue']));
  }

  async patch(identity, n, p) {
    const after = { description: `soak-p-${n}-${p}`, rateLimitPerMinute: 600_000 + ((n * 7 + p) % 1000) + p };
    const res = await this.lb.patch(`${API}/users/${identity.userUid}/logins/${identity.id}`, {
      headers: bearer(await this.admin()),
      body: [
        { op: 'replace', path: '/description', value: after.description },
        { op: 'replace', path: '/rateLimitPerMinute', value: after.rateLimitPerMinute },
      ],
    });
    if (!this.model.note('patch', res)) {
      this.model.uncertain(identity, 'patch', 'identity.updated', after, res);
      return false;
    }
    Object.assign(identity, after);
    identity.acked['identity.updated']++;
    return true;
  }

  /** Rotation without grace: the old key is revoked by the answer. */
  async rotate(identity) {
    await this.probes.warm(identity.key);
    const res = await this.lb.post(`${API}/users/${identity.userUid}/logins/${identity.id}/rotate`, { headers: bearer(await this.admin()), body: { gracePeriodSeconds: 0 } });
    if (!this.model.note('rotate', res)) {
      this.model.uncertain(identity, 'rotate', 'identity.rotated', null, res);
      return false;
    }
    this.model.revokedKey(identity.key, identity.id, 'rotate', res);
    this.probes.watch(this.model.revoked.at(-1));
    identity.oldKeys.push(identity.key);
    identity.key = res.body.data.parameters;
    identity.acked['identity.rotated']++;
    return true;
  }

  async revoke(identity, how) {
    await this.probes.warm(identity.key);
    const token = await this.admin();
    let res;
    let action;
    let after = null;
    if (how === 'disable') {
      after = { description: `${identity.description}-off`.slice(0, 128), status: 'disabled' };
      action = 'identity.updated';
      res = await this.lb.patch(`${API}/users/${identity.userUid}/logins/${identity.id}`, {
        headers: bearer(token),
        body: [
          { op: 'replace', path: '/status', value: 'disabled' },
          { op: 'replace', path: '/description', value: after.description },
        ],
      });
    } else if (how === 'delete') {
      action = 'identity.deleted';
      res = await this.lb.delete(`${API}/users/${identity.userUid}/logins/${identity.id}`, { headers: bearer(token) });
    } else if (how === 'deleteByValue') {
      action = 'identity.deleted';
      res = await this.lb.delete(`${API}/apikeys`, { headers: bearer(token), body: { key: identity.key } });
    } else {
      action = 'identity.revokedByValue';
      res = await this.lb.post(`${API}/apikeys/revoke`, { body: { keys: [identity.key] }, headers: { 'x-forwarded-for': clientAddress() } });
    }
    if (!this.model.note(how, res)) {
      this.model.uncertain(identity, how, action, after, res);
      return false;
    }
    if (after) Object.assign(identity, after);
    identity.acked[action]++;
    identity.terminal = how === 'disable' ? 'disabled' : how === 'revokeByValue' ? 'revokedByValue' : 'deleted';
    identity.retired = true;
    this.model.revokedKey(identity.key, identity.id, how, res);
    this.probes.watch(this.model.revoked.at(-1));
    return true;
  }

  /** A password login from a client address of its own (its audit entry is found by that address). */
  async passwordLogin() {
    const username = pick(this.data.people);
    const address = clientAddress();
    const res = await this.lb.post(`${API}/token`, { form: { grant_type: 'password', username, password: USER_PASSWORD }, headers: { 'x-forwarded-for': address } });
    if (this.model.note('login', res)) this.model.logins.push({ address, username, servedBy: res.servedBy, t1: res.t1 });
  }

  /** Refresh-token rotation on one session; a lost answer starts a new session (reuse would end it). */
  async refresh() {
    if (!this.session) {
      const res = await this.lb.post(`${API}/token`, { form: { grant_type: 'password', username: this.data.people[0], password: USER_PASSWORD }, headers: { 'x-forwarded-for': clientAddress() } });
      if (this.model.note('login', res)) this.session = res.body;
      return;
    }
    const res = await this.lb.post(`${API}/token`, { form: { grant_type: 'refresh_token', refresh_token: this.session.refresh_token }, headers: { 'x-forwarded-for': clientAddress() } });
    if (this.model.note('refresh', res)) this.session = res.body;
    else this.session = null;
  }

  /** Wrong passwords from a few addresses: refused, then throttled (429) once over the budget. */
  async failedLogin() {
    const res = await this.lb.post(`${API}/token`, {
      form: { grant_type: 'password', username: pick(this.data.people), password: 'not-the-password' },
      headers: { 'x-forwarded-for': pick(FAILED_LOGIN_ADDRESSES) },
    });
    this.model.note('failed-login', res, [400, 401, 429]);
  }

  /** Keys that are not (or no longer) valid: refused, from addresses of their own. */
  async badKey() {
    const revoked = this.model.revoked.length ? pick(this.model.revoked).key : null;
    const key = revoked && Math.random() < 0.7 ? revoked : `lk_${'x'.repeat(49)}`;
    const res = await this.lb.get(`${API}/ping/authenticated`, { headers: { ...bearer(key), 'x-forwarded-for': clientAddress() } });
    this.model.note('bad-key', res, [401, 429]);
    if (revoked && key === revoked && res.status === 200) {
      const entry = this.model.revoked.find((e) => e.key === key);
      if (res.t0 - entry.ackAt > 1000) entry.acceptedLate.push({ instance: `lb:${res.servedBy}`, afterMs: res.t0 - entry.ackAt, id: res.id });
    }
  }
}
