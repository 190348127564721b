import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { HostRule } from '../../config/lifecycle-settings.js';
import { addressPermitted, targetHost, urlProblem } from './target-policy.js';

/** What an attempt came to: the receiver's status, or why there was none. */
export interface SendResult {
  statusCode: number | null;
  error: string;
  durationMs: number;
}

/** A receiver's body is read and dropped; past this much, the connection is closed. */
const MAX_RESPONSE_BYTES = 64 * 1024;

const short = (text: string): string => text.slice(0, 200);

class TargetRefused extends Error {
  readonly code = 'ETARGETREFUSED';
}

/**
 * Resolves the host and keeps only the addresses the target policy admits, so a name that resolves
 * (or is rebound) to a private address is refused at connect time, not just when the URL was saved.
 */
function guardedLookup(host: string, rules: readonly HostRule[]): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const permitted = addresses.filter((entry) => addressPermitted(host, entry.address, rules));
      if (!permitted.length) return callback(new TargetRefused(`${host} resolves only to addresses webhooks may not be sent to`), '', 4);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, permitted);
      callback(null, permitted[0].address, permitted[0].family);
    });
  };
}

/**
 * One POST of a signed delivery: bounded by a timeout from connect to status line, no redirects
 * followed (a 3xx is a failure), the answer's body drained and dropped.
 */
export class HttpSender {
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(
    private readonly rules: () => readonly HostRule[],
    private readonly timeoutMs: number,
    concurrency: number,
  ) {
    this.agents = { http: new http.Agent({ keepAlive: true, maxSockets: concurrency }), https: new https.Agent({ keepAlive: true, maxSockets: concurrency }) };
  }

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const done = (statusCode: number | null, error: string): SendResult => ({ statusCode, error: short(error), durationMs: Math.round(performance.now() - started) });
    const rules = this.rules();
    const problem = urlProblem(url, rules);
    if (problem) return Promise.resolve(done(null, problem));
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: target.protocol === 'https:' ? this.agents.https : this.agents.http,
          lookup: guardedLookup(targetHost(url), rules),
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) response.destroy();
          });
          response.on('error', () => undefined);
          resolve(done(status, status >= 200 && status < 300 ? '' : `HTTP ${status}`));
        },
      );
      request.on('error', (error: Error & { code?: string }) => {
        if (error.name === 'AbortError' || error.name === 'TimeoutError') resolve(done(null, `no answer within ${this.timeoutMs} ms`));
        else resolve(done(null, error.code === 'ETARGETREFUSED' ? error.message : `${error.code ?? 'error'}: ${error.message}`));
      });
      request.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
