// The faults, injected on a schedule while traffic runs: SIGKILL an instance and start it again;
// restart PostgreSQL; stop Redis for a few seconds; a graceful rolling restart (SIGTERM each
// instance, let it drain, start it again). Each fault is a window of time, kept in the model, so
// that the failures can be counted inside and outside the windows.
import { serverStates } from './haproxy.mjs';
import { bearer } from './http.mjs';
import { API, clientAddress, createKey, USER_PASSWORD } from './setup.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** In the order of the schedule: the rolling restart, the longest, first. */
export const FAULT_KINDS = ['rolling', 'kill', 'postgres', 'redis'];
/** After a fault has ended, answers within this long still count as inside it. */
export const SETTLE_MS = 2000;
/** An instance that has not exited this long after SIGTERM is killed (TimeoutStopSec=30 in deploy/systemd). */
export const STOP_GRACE_MS = 30_000;
/**
 * The shortest drain that lets HAProxy take an instance out before it stops listening: three
 * failed checks (fall 3, inter 1s, fastinter 500ms in deploy/haproxy.cfg).
 */
export const DRAIN_MIN_MS = 2000;

export class Faults {
  constructor({ cluster, model, probes, lb, data, socket, log, rateLimit }) {
    Object.assign(this, { cluster, model, probes, lb, data, socket, log, rateLimit });
    this.postgresRecoveries = [];
    this.drains = [];
    this.redisBursts = [];
  }

  /** Waits until HAProxy sends traffic to every instance again (ramping up counts). */
  async allUp(timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await serverStates(this.socket).catch(() => ({}));
      const names = this.cluster.instances.map((i) => i.name);
      if (names.every((name) => states[name] === 'UP' || states[name] === 'STARTING')) return;
      if (Date.now() > deadline) throw new Error(`haproxy: not every server is UP after ${timeoutMs} ms: ${JSON.stringify(states)}`);
      await sleep(200);
    }
  }

  async inject(kind, round) {
    const fault = { kind, round, start: Date.now(), end: null, details: {} };
    this.model.faults.push(fault);
    this.log(`fault ${kind} (round ${round + 1}) at +${Math.round((fault.start - this.model.startedAt) / 1000)} s`);
    try {
      await this[kind](fault, round);
    } finally {
      fault.end = Date.now();
    }
    this.log(`fault ${kind} over after ${fault.end - fault.start} ms`);
    return fault;
  }

  /**
   * A key used once on the instance about to stop, and a login answered by it: their last-used
   * time, `identity.used` and `login.succeeded` entries are buffered in that instance when it
   * is stopped. A graceful stop must write them; a SIGKILL may lose them.
   */
  async canary(instance, signal) {
    const created = await createKey(this.lb, this.data.session.token, this.data.services[0], { description: `soak-canary-${instance.name}-${Date.now()}` });
    if (created.status !== 200) return null;
    const canary = { instance: instance.name, signal, identityId: created.body.data.id, useAddress: clientAddress(), loginAddress: clientAddress(), used: false, loggedIn: false };
    const client = this.probes.client(instance);
    const used = await client.get(`${API}/ping/authenticated`, { headers: { ...bearer(created.body.data.parameters), 'x-forwarded-for': canary.useAddress } });
    canary.used = used.status === 200;
    if (used.status) this.probes.answered.push({ id: used.id, instance: instance.name, t1: used.t1 });
    const loggedIn = await client.post(`${API}/token`, { form: { grant_type: 'password', username: this.data.people[0], password: USER_PASSWORD }, headers: { 'x-forwarded-for': canary.loginAddress } });
    canary.loggedIn = loggedIn.status === 200;
    if (loggedIn.status) this.probes.answered.push({ id: loggedIn.id, instance: instance.name, t1: loggedIn.t1 });
    this.model.canaries.push(canary);
    return canary;
  }

  async kill(fault, round) {
    const victim = this.cluster.instances[round % this.cluster.instances.length];
    fault.details.instance = victim.name;
    await this.canary(victim, 'SIGKILL');
    const lifetime = await this.cluster.stopInstance(victim, 'SIGKILL');
    fault.details.killedAt = lifetime.stoppedAt;
    // As systemd's Restart=always with RestartSec=1 would.
    await sleep(1000);
    await this.cluster.startInstance(victim);
    await this.allUp();
  }

  async postgres(fault, round) {
    const mode = round % 2 === 0 ? 'fast' : 'immediate';
    fault.details.mode = mode;
    await this.cluster.postgresDown(mode);
    await sleep(3000);
    await this.cluster.postgresUp();
    const back = Date.now();
    // Every instance's own /health/ready, polled until each answers 200.
    const readyAt = await Promise.all(
      this.cluster.instances.map(async (instance) => {
        const client = this.probes.client(instance);
        for (;;) {
          const res = await client.get('/health/ready');
          if (res.status === 200) return res.t1;
          if (Date.now() - back > 60_000) return null;
          await sleep(100);
        }
      }),
    );
    const recovery = readyAt.includes(null) ? null : Math.max(...readyAt) - back;
    fault.details.recoveryMs = recovery;
    this.postgresRecoveries.push(recovery);
    await this.allUp();
  }

  async redis(fault, round) {
    await this.cluster.stopRedis(round % 2 === 0 ? 'SIGTERM' : 'SIGKILL');
    const down = Date.now();
    // While Redis is away each instance keeps its own budget: measured, not a goal.
    if (this.rateLimit) this.redisBursts.push(await this.rateLimit());
    await sleep(Math.max(0, 4000 - (Date.now() - down)));
    await this.cluster.startRedis();
    await sleep(1000);
  }

  /** Each instance in turn: SIGTERM, watch it drain, start it again once it has exited. */
  async rolling(fault) {
    fault.details.instances = [];
    for (const instance of this.cluster.instances) {
      await this.canary(instance, 'SIGTERM');
      const drain = this.probes.observeDrain(instance);
      const started = Date.now();
      const lifetime = await this.cluster.stopInstance(instance, 'SIGTERM', STOP_GRACE_MS);
      const exitMs = Date.now() - started;
      drain.stop();
      const observed = await drain.done;
      const first503 = observed.seen.find((s) => s.status === 503)?.ms ?? null;
      // How long it answered 503 on /health/ready while still accepting connections.
      const drainMs = first503 === null ? 0 : (observed.msUntilRefused ?? exitMs) - first503;
      const record = { instance: instance.name, exitMs, exit: lifetime.exit, drainMs, msUntilRefused: observed.msUntilRefused, seen: observed.seen.slice(0, 40) };
      this.drains.push(record);
      fault.details.instances.push({ instance: instance.name, exitMs, drainMs });
      const restarted = await this.cluster.startInstance(instance);
      await this.allUp();
      record.startMs = restarted.readyAt - restarted.startedAt;
      record.upMs = Date.now() - restarted.readyAt;
    }
  }
}

/** Quiet time between two faults, so that every run also has traffic outside the faults. */
export const QUIET_MS = 3000;

/**
 * When each fault is due: every kind `rounds` times (twice in 5 minutes), spread evenly over the
 * run, in the order of FAULT_KINDS. A
 * fault that is due while the one before it still runs starts QUIET_MS after it; the traffic
 * then goes on until the last fault is over.
 */
export function schedule(seconds) {
  const rounds = Math.max(1, Math.floor(seconds / 120));
  const count = rounds * FAULT_KINDS.length;
  const spacing = (seconds * 1000) / count;
  return Array.from({ length: count }, (_, i) => ({ kind: FAULT_KINDS[i % FAULT_KINDS.length], round: Math.floor(i / FAULT_KINDS.length), at: Math.round(QUIET_MS + i * spacing) }));
}
