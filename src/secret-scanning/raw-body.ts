import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A request whose exact body bytes were kept, for routes that check a signature over them. */
export type RawBodyRequest = FastifyRequest & { rawBody?: Buffer };

/**
 * Keeps the raw body of one route (a signature is made over the bytes, not over re-serialised
 * JSON): a `preParsing` hook reads the payload, bounded by the body limit, keeps the bytes on the
 * request and hands the parser a replay of them. Every other route is left untouched.
 */
export function keepRawBody(fastify: FastifyInstance, routeUrl: string, limitBytes: number): void {
  fastify.addHook('preParsing', async (request: RawBodyRequest, _reply, payload) => {
    if (request.routeOptions.url !== routeUrl) return payload;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += bytes.length;
      if (size > limitBytes) throw Object.assign(new Error('Request body is larger than the server accepts.'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
      chunks.push(bytes);
    }
    const raw = Buffer.concat(chunks);
    request.rawBody = raw;
    return Object.assign(Readable.from([raw]), { receivedEncodedLength: raw.length });
  });
}
