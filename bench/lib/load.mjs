// Load generation with autocannon, and the interleaving discipline every ratio uses.
import autocannon from 'autocannon';
import { cpuTime } from './children.mjs';
import { median } from './stats.mjs';

/**
 * One closed-loop run against `url` (GET, or `method` with `body`): `connections` keep-alive connections for `seconds`, or for
 * `amount` requests (then stopped after `maxSeconds` at the latest). `rotate` puts a different
 * value in a header on every request (`{ header, values, cursor: { next }, format }`): the cursor
 * is shared between runs so that successive passes continue the round robin.
 *
 * Latency is taken per response (float ms) rather than from autocannon's histogram, whose
 * resolution is 1 ms. With `pid` (the server's), also the server's CPU time per request, from
 * /proc: less sensitive than req/s to other load on the machine. Returns req/s over the measured
 * wall time, p50/p99 in ms, CPU µs per request and the counts.
 */
export async function run({ url, connections, seconds, amount, maxSeconds = 600, method = 'GET', body, headers = {}, rotate, pid, allowErrors = false }) {
  const requests = rotate
    ? [{
        method: 'GET',
        setupRequest(request) {
          const { values, cursor, format = (v) => v } = rotate;
          request.headers = { ...headers, [rotate.header]: format(values[cursor.next++ % values.length]) };
          return request;
        },
      }]
    : undefined;
  const latencies = [];
  const cpuBefore = pid ? cpuTime(pid) : null;
  const started = performance.now();
  const instance = autocannon({
    url,
    connections,
    method,
    body,
    headers,
    requests,
    ...(amount ? { amount } : { duration: seconds }),
  });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const stopper = amount ? setTimeout(() => instance.stop(), maxSeconds * 1000) : null;
  const result = await instance;
  if (stopper) clearTimeout(stopper);
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = pid ? cpuTime(pid) : null;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad && !allowErrors) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const ok = result['2xx'];
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? NaN;
  return {
    rps: ok / elapsed,
    requests: ok,
    seconds: elapsed,
    p50Ms: at(50),
    p99Ms: at(99),
    cpuUsPerRequest: pid ? (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / (ok + bad) : undefined,
    bad,
    stoppedEarly: Boolean(amount && ok + bad < amount),
  };
}

/**
 * Runs `passes` rounds of every target, one after the other, starting each round with the next
 * target so that no side is always first or last: drifting load on a shared machine then moves
 * both sides of each ratio together. Returns `{ name: [result per pass] }`.
 */
export async function interleave(passes, targets, onPass = () => {}) {
  const names = Object.keys(targets);
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(pass + k) % names.length];
      out[name].push(await targets[name]());
    }
    onPass(pass, out);
  }
  return out;
}

/**
 * Per-pass ratios of `a` over `b` (req/s), their median, and the raw rates. When both sides
 * carry the server's CPU per request, also the cost ratio (b's CPU per request over a's, per
 * pass, median): what the throughput ratio would be if the servers were CPU-bound alone.
 */
export function ratioOf(a, b) {
  const perPass = a.map((r, i) => r.rps / b[i].rps);
  const out = { value: median(perPass), perPass, rps: { numerator: a.map((r) => Math.round(r.rps)), denominator: b.map((r) => Math.round(r.rps)) } };
  if (a.every((r) => r.cpuUsPerRequest) && b.every((r) => r.cpuUsPerRequest)) {
    out.cpu = {
      ratio: median(a.map((r, i) => b[i].cpuUsPerRequest / r.cpuUsPerRequest)),
      usPerRequest: { numerator: a.map((r) => Number(r.cpuUsPerRequest.toFixed(1))), denominator: b.map((r) => Number(r.cpuUsPerRequest.toFixed(1))) },
    };
  }
  return out;
}
