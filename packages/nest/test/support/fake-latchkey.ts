import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { keyWithBody } from '../../src/core/key-format.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A fresh well-formed key (random body, valid checksum). */
export function newKey(): string {
  const bytes = randomBytes(43);
  return keyWithBody(Array.from(bytes, (b) => ALPHABET[b % 62]).join(''));
}

export interface FakeKey {
  identityId: number;
  userUid: string;
  companyId: string;
  permissions: string[];
  status?: 'enabled' | 'disabled';
  readOnly?: boolean;
  ownObjectsOnly?: boolean;
  expiresAt?: string | null;
  /** Requests per window; each verify consumes one. */
  rateLimit?: number;
  allowedIps?: string[];
  pathPrefixes?: string[];
}

export interface VerifyCall {
  key: string;
  permissions?: string[];
  method?: string;
  path?: string;
  clientIp?: string;
  authorization?: string;
}

/**
 * A small stand-in for Latchkey that speaks the verify and events contract, on 127.0.0.1 and a
 * random port: enough to test the SDK over real HTTP. The real end-to-end suite runs against
 * Latchkey itself (test/vm-service.e2e-spec.ts at the repository root).
 */
export class FakeLatchkey {
  readonly serviceKey = newKey();
  readonly keys = new Map<string, FakeKey>();
  readonly calls: VerifyCall[] = [];
  /** `ok`; `error` answers 503; `hang` never answers; `garbage` answers 200 with a non-answer. */
  mode: 'ok' | 'error' | 'hang' | 'garbage' = 'ok';
  /** Delay before a verify answer, in ms. */
  delayMs = 0;
  /** Answer the events stream with 503 instead of opening it. */
  refuseStreams = false;
  /** `Last-Event-ID` of each stream connection, in order (undefined when absent). */
  readonly streamConnections: (string | undefined)[] = [];
  private readonly streams = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private readonly used = new Map<string, number>();
  private nextEventId = 1;
  private server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Stops listening and cuts every connection (Latchkey down). */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  add(key: string, record: Partial<FakeKey> = {}): FakeKey {
    const full: FakeKey = { identityId: this.keys.size + 1, userUid: `user-${this.keys.size + 1}`, companyId: 'company-1', permissions: [], ...record };
    this.keys.set(key, full);
    return full;
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Sends one credential event to every open stream; returns its id. */
  emit(data: unknown, raw?: string): number {
    const id = this.nextEventId++;
    const frame = raw ?? `id: ${id}\nevent: credential\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of this.streams) stream.write(frame);
    return id;
  }

  /** Writes bytes as they are to every open stream. */
  write(text: string): void {
    for (const stream of this.streams) stream.write(text);
  }

  /** Cuts the event streams (the server stays up). */
  dropStreams(): void {
    for (const stream of this.streams) stream.socket?.destroy();
    this.streams.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const authorization = req.headers.authorization;
    if (authorization !== `Bearer ${this.serviceKey}`) return this.json(res, 401, { errors: [{ message: 'Authentication required.', type: 'security', code: 401 }] });
    if (req.method === 'GET' && req.url === '/api/v3/integration/events') return this.stream(req, res);
    if (req.method === 'POST' && req.url === '/api/v3/integration/verify') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const call = { ...(JSON.parse(body) as VerifyCall), authorization };
      this.calls.push(call);
      if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.mode === 'hang') return;
      if (this.mode === 'error') return this.json(res, 503, { errors: [{ message: 'Unavailable.', type: 'retryableLogical', code: 503 }] });
      if (this.mode === 'garbage') return this.json(res, 200, { data: { valid: true } });
      return this.json(res, 200, { data: this.answer(call) });
    }
    this.json(res, 404, { errors: [{ message: 'Resource was not found.', type: 'logical', code: 404 }] });
  }

  private answer(call: VerifyCall): Record<string, unknown> {
    const key = this.keys.get(call.key);
    if (!key) return { valid: false, code: 'NOT_FOUND', message: 'The key is not known.' };
    if (key.status === 'disabled') return { valid: false, code: 'DISABLED', message: 'The key is disabled.' };
    if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return { valid: false, code: 'EXPIRED', message: 'The key has expired.' };
    if (key.allowedIps && !key.allowedIps.includes(call.clientIp ?? '')) return { valid: false, code: 'IP_NOT_ALLOWED', message: 'Not from this address.' };
    let rateLimit = null;
    if (key.rateLimit) {
      const used = (this.used.get(call.key) ?? 0) + 1;
      this.used.set(call.key, used);
      if (used > key.rateLimit) return { valid: false, code: 'RATE_LIMITED', message: 'Rate limit exceeded.', retryAfterSeconds: 7 };
      rateLimit = { limit: key.rateLimit, remaining: key.rateLimit - used, resetAt: new Date(Date.now() + 60_000).toISOString() };
    }
    if (key.readOnly && !['GET', 'HEAD', 'OPTIONS'].includes(call.method ?? 'GET')) return { valid: false, code: 'READ_ONLY', message: 'The key is read-only.' };
    const missing = (call.permissions ?? []).filter((p) => !key.permissions.includes(p));
    if (missing.length) return { valid: false, code: 'INSUFFICIENT_PERMISSIONS', message: 'Missing permissions.', missingPermissions: missing };
    if (key.pathPrefixes && !key.pathPrefixes.some((prefix) => (call.path ?? '').startsWith(prefix))) {
      return { valid: false, code: 'PATH_NOT_ALLOWED', message: 'Not on this path.' };
    }
    return {
      valid: true,
      code: 'VALID',
      subject: { identityId: key.identityId, userUid: key.userUid, userName: `name-${key.userUid}`, companyId: key.companyId, companyName: 'Acme', role: 'CompanyOwner' },
      permissions: key.permissions,
      scopes: ['rest'],
      readOnly: key.readOnly ?? false,
      ownObjectsOnly: key.ownObjectsOnly ?? false,
      expiresAt: key.expiresAt ?? null,
      rateLimit,
    };
  }

  private stream(req: IncomingMessage, res: ServerResponse): void {
    const last = req.headers['last-event-id'];
    this.streamConnections.push(typeof last === 'string' ? last : undefined);
    if (this.refuseStreams) return this.json(res, 503, { errors: [{ message: 'Unavailable.', type: 'retryableLogical', code: 503 }] });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': connected\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** Polls until `condition` holds, at most `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
