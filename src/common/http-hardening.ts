import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBodyParser, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorItem } from './api-error.js';

/**
 * Requests so malformed that Node's HTTP parser refuses them (conflicting Transfer-Encoding and
 * Content-Length, bad header bytes, oversized headers) never reach a route; Fastify would answer
 * them in its own JSON shape. They get the VSPC envelope like every other error, then the
 * connection is closed, since the parser cannot tell where the next request would start.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message, type]: [number, string, ErrorItem['type']] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request took too long to arrive.', 'retryableLogical']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request headers are larger than the server accepts.', 'transport']
        : [400, 'The request is not valid HTTP.', 'transport'];
  const item: ErrorItem = { message, type, code: status };
  const body = JSON.stringify({ errors: [item] });
  // Only when nothing was sent yet: after an answer (say a 414 sent before an unread body) the
  // leftover bytes fail to parse, and a second answer would corrupt the client's stream.
  if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** JSON answers: nothing to run, nothing to frame. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * The console (a same-origin Vite build) and API documentation pages: own scripts and styles,
 * data: images (the TOTP QR code), calls to this origin only. Inline styles are allowed for
 * documentation UIs that set them; inline scripts are not.
 */
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/** Everything under the API prefix answers JSON, except documentation pages served there. */
function servesPages(url: string): boolean {
  const path = url.split('?')[0];
  return !path.startsWith('/api/') || path.startsWith('/api/v3/docs');
}

/** Baseline security headers on every answer (onRequest, so error answers carry them too). */
export function securityHeaders(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  void reply.headers({
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': servesPages(request.url) ? PAGE_POLICY : API_POLICY,
  });
  done();
}

/**
 * The JSON body parser: Fastify's own (prototype poisoning refused), except that an empty body is
 * no body. VSPC's clients send `Content-Type: application/json` on requests whose input is all in
 * the query string (`POST /users/{uid}/logins/apikey?…`); a body that is present and broken is
 * still refused.
 */
export function jsonBodyParser(instance: FastifyInstance): FastifyBodyParser<Buffer> {
  const parse = instance.getDefaultJsonParser('error', 'error');
  return (request, body, done) => {
    if (body.length === 0) {
      done(null, undefined);
      return;
    }
    parse(request, body.toString('utf8'), done);
  };
}
