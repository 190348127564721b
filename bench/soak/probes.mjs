// Requests sent straight to each instance's own port, around HAProxy: does every instance refuse a
// revoked key within 1 s; is a rate limit shared by all instances; what does an instance answer on
// /health/ready while it stops.
import { createClient } from './http.mjs';
import { API, clientAddress } from './setup.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The promise: no instance accepts a revoked key more than this long after the revocation's 200. */
export const REVOCATION_BOUND_MS = 1000;
const LATER_PROBES_MS = [3000];

export class Probes {
  constructor(cluster, model) {
    this.cluster = cluster;
    this.model = model;
    this.clients = new Map();
    this.watches = new Set();
    /** Direct requests that an instance answered: { id, instance, t1 } (for the log-line check). */
    this.answered = [];
    this.propagationMs = [];
  }

  client(instance) {
    let client = this.clients.get(instance.name);
    if (!client) this.clients.set(instance.name, (client = createClient(`http://127.0.0.1:${instance.port}`, { sockets: 8, timeoutMs: 10_000 })));
    return client;
  }

  running() {
    return this.cluster.instances.filter((instance) => instance.child && instance.lifetime?.readyAt && !instance.lifetime.stoppedAt);
  }

  /** One authenticated request with `key` on one instance; every caller gets its own address. */
  async use(instance, key, id) {
    const res = await this.client(instance).get(`${API}/ping/authenticated`, { headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': clientAddress() }, id });
    if (res.status) this.answered.push({ id: res.id, instance: instance.name, t1: res.t1 });
    return res;
  }

  /** Every running instance resolves and caches the key, so a missed eviction would show. */
  async warm(key) {
    await Promise.all(this.running().map((instance) => this.use(instance, key)));
  }

  /**
   * Watches a revoked key on every instance: polled every 100 ms until refused (that delay is the
   * propagation time), then once more 3 s later (and once at the end: finalSweep). A 200 to a request sent more than 1 s
   * after the revocation's answer is a broken promise.
   */
  watch(entry) {
    const job = (async () => {
      await Promise.all(
        this.running().map(async (instance) => {
          for (;;) {
            const res = await this.use(instance, entry.key);
            this.check(entry, instance, res);
            if (res.status === 0) return;
            if (res.status !== 200 && res.status !== 429 && res.status < 500) {
              // Refused by a request sent this long after the revocation's answer (an upper bound).
              this.propagationMs.push(Math.max(0, res.t0 - entry.ackAt));
              break;
            }
            if (res.t0 - entry.ackAt > REVOCATION_BOUND_MS + 300) break;
            await sleep(100);
          }
        }),
      );
      for (const delay of LATER_PROBES_MS) {
        await sleep(Math.max(0, entry.ackAt + delay - Date.now()));
        await Promise.all(this.running().map(async (instance) => this.check(entry, instance, await this.use(instance, entry.key))));
      }
    })();
    this.watches.add(job);
    void job.finally(() => this.watches.delete(job));
  }

  check(entry, instance, res) {
    entry.probes.push({ instance: instance.name, t0: res.t0, status: res.status });
    if (res.status === 200 && res.t0 - entry.ackAt > REVOCATION_BOUND_MS) {
      entry.acceptedLate.push({ instance: instance.name, afterMs: res.t0 - entry.ackAt, id: res.id });
    }
  }

  /** Waits for the watches still running (each ends within about 3 s). */
  async settle() {
    await Promise.all([...this.watches]);
  }

  /** At the end: every revoked key, once more on every instance. */
  async finalSweep(entries) {
    let next = 0;
    const list = [...entries];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < list.length) {
          const entry = list[next++];
          for (const instance of this.running()) this.check(entry, instance, await this.use(instance, entry.key));
        }
      }),
    );
  }

  /**
   * Rate limit shared across instances: a fresh key limited to `limit` requests a minute gets
   * 3 × limit requests, spread over every instance's own port at once. Admitted beyond the limit
   * is the overshoot.
   */
  async rateLimitBurst(key, limit) {
    const instances = this.running();
    const total = limit * 3;
    let next = 0;
    const statuses = [];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (next < total) {
          const i = next++;
          const res = await this.use(instances[i % instances.length], key);
          statuses.push(res.status);
        }
      }),
    );
    const admitted = statuses.filter((s) => s === 200).length;
    const limited = statuses.filter((s) => s === 429).length;
    return { limit, sent: total, admitted, limited, other: total - admitted - limited, overshoot: Math.max(0, admitted - limit), instances: instances.length };
  }

  /**
   * What /health/ready answers on an instance from now until its port closes: a draining instance
   * answers 503 for a while (so HAProxy takes it out) before it stops listening.
   */
  observeDrain(instance) {
    const seen = [];
    let stop = false;
    const done = (async () => {
      // A new connection each time: an answer on an old keep-alive connection says nothing about
      // whether the instance still accepts new ones.
      const client = createClient(`http://127.0.0.1:${instance.port}`, { sockets: 1, timeoutMs: 1000, keepAlive: false });
      const started = Date.now();
      while (!stop && Date.now() - started < 35_000) {
        const res = await client.get('/health/ready');
        seen.push({ ms: res.t0 - started, status: res.status, error: res.error ?? null });
        if (res.status === 0) break;
        await sleep(50);
      }
      client.close();
      return { seen, msUntilRefused: seen.find((s) => s.status === 0)?.ms ?? null };
    })();
    return {
      done,
      stop: () => {
        stop = true;
      },
    };
  }

  close() {
    for (const client of this.clients.values()) client.close();
  }
}
