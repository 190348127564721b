import http from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query exactly as they go on the request line. */
  path: string;
  /** An array value sends the header once per element (duplicate headers). */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * A bare HTTP/1.1 client for adversarial requests that supertest would normalise away: duplicate
 * headers, bodies that do not match their content type, request lines with odd encodings.
 */
export class RawClient {
  private readonly agent = new http.Agent({ keepAlive: false });

  constructor(private readonly baseUrl: string) {}

  send(request: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
    const url = new URL(this.baseUrl);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const req = http.request(
        { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text ? JSON.parse(text) : undefined;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms: ${request.method} ${request.path.slice(0, 200)}`)));
      req.on('error', reject);
      req.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
