// A small keep-alive HTTP client for the latency and query-count phases (autocannon measures
// throughput; these phases need one distinct credential per request and per-request timings).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export function createClient(base, sockets = 1) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const url = new URL(base);

  function get(path, headers = {}) {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, path, method: 'GET', headers, agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error(`timeout on ${path}`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Runs `count` requests with `parallel` in flight; `make(i)` gives [path, headers]. */
  async function many(count, parallel, make) {
    const results = Array.from({ length: count });
    let next = 0;
    async function worker() {
      while (next < count) {
        const i = next++;
        const [path, headers] = make(i);
        results[i] = await get(path, headers);
      }
    }
    await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
    return results;
  }

  return { get, many, close: () => agent.destroy() };
}
