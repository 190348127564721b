import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { queryCount } from './database/query-counter.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `GET /__bench/metrics` — off unless `LATCHKEY_BENCH_METRICS=1`, answers loopback peers only
 * (the TCP peer, not X-Forwarded-For), outside /api/v3 and the guard. `npm run bench` reads
 * it to count the database work done for malformed and unknown keys.
 */
export function registerBenchMetrics(app: NestFastifyApplication): void {
  app
    .getHttpAdapter()
    .getInstance()
    .get('/__bench/metrics', (request, reply) => {
      if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return reply.code(404).send();
      return reply.send({ queries: queryCount.total });
    });
}
