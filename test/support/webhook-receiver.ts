import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** One request a receiver got: headers, the raw body, and what it answered. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; createdAt: string; data: Record<string, any> };
  status: number;
}

/**
 * A webhook receiver on loopback and a random port. `answer` decides each response's status from the
 * request's number (1-based) and the request; by default 204.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  answer: (n: number, request: { headers: IncomingHttpHeaders; body: string }) => number = () => 204;
  /** How long to wait before answering; requests being answered are counted in `pending`. */
  delayMs = 0;
  pending = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hook'): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const self = receiver as WebhookReceiver;
        const status = self.answer(self.received.length + 1, { headers: req.headers, body });
        let json: Received['json'];
        try {
          json = JSON.parse(body);
        } catch {
          json = { id: '', type: '', createdAt: '', data: {} };
        }
        const reply = () => {
          self.pending--;
          self.received.push({ headers: req.headers, body, json, status });
          res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
        };
        self.pending++;
        if (self.delayMs > 0) setTimeout(reply, self.delayMs);
        else reply();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    return receiver;
  }

  /** The requests answered 2xx. */
  get accepted(): Received[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }

  ofType(type: string): Received[] {
    return this.accepted.filter((r) => r.json.type === type);
  }

  /** Polls (bounded) until `done` holds; fails with what arrived otherwise. */
  async waitFor(done: (receiver: WebhookReceiver) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${this.received.map((r) => `${r.json.type}→${r.status}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}

type Verify = (secret: string, headers: IncomingHttpHeaders, body: string, toleranceSeconds?: number) => boolean;

/** The verification snippet of docs/webhooks.md, run as written (the first ```js block there). */
export async function documentedVerifier(): Promise<Verify> {
  const doc = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!code) throw new Error('docs/webhooks.md has no ```js block');
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-verify-'));
  try {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, code);
    const module = (await import(pathToFileURL(file).href)) as { verifyLatchkeySignature: Verify };
    return module.verifyLatchkeySignature;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
