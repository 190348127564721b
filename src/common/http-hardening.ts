import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
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
