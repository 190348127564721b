import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { createLoggers, JsonLogger, requestIdOf } from './logging.js';

function capture(level = 'debug') {
  const lines: string[] = [];
  const { app: logger } = createLoggers(loadConfig({ LOG_LEVEL: level }), { write: (line: string) => void lines.push(line) });
  return { lines, logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('log redaction', () => {
  it('censors secrets at the top level, one level down and in request headers', () => {
    const { lines, logger, records } = capture();
    logger.info({
      password: 'p1',
      keys: ['k1'],
      body: { access_token: 't1', refresh_token: 't2', mfa_token: 't3', mfa_code: 't4', key: 'k2', parameters: 'k3', password: 'p2' },
      req: { headers: { authorization: 'a1', 'x-api-key': 'a2', cookie: 'c1' } },
      res: { headers: { 'set-cookie': 'c2' } },
    });
    for (const secret of ['p1', 'p2', 'k1', 'k2', 'k3', 't1', 't2', 't3', 't4', 'a1', 'a2', 'c1', 'c2']) expect(lines[0]).not.toContain(`"${secret}"`);
    expect(records()[0]).toMatchObject({ password: '[Redacted]', body: { parameters: '[Redacted]' }, req: { headers: { authorization: '[Redacted]' } } });
  });
});

describe('JsonLogger', () => {
  it('writes Nest messages as JSON with their context, at the configured level', () => {
    const { logger, records } = capture('info');
    const nest = new JsonLogger(logger);
    nest.log('started', 'Boot');
    nest.debug('hidden', 'Boot');
    nest.error('failed', 'Error: failed\n    at somewhere', 'Errors');
    nest.warn({ password: 'p', note: 'object message' }, 'Audit');
    expect(records()).toEqual([
      expect.objectContaining({ level: 30, context: 'Boot', msg: 'started' }),
      expect.objectContaining({ level: 50, context: 'Errors', msg: 'failed', stack: 'Error: failed\n    at somewhere' }),
      expect.objectContaining({ level: 40, context: 'Audit', note: 'object message', password: '[Redacted]' }),
    ]);
  });

  it('writes nothing when silent', () => {
    const { lines, logger } = capture('silent');
    new JsonLogger(logger).error('failed', 'Errors');
    expect(lines).toEqual([]);
  });
});

describe('request ids', () => {
  const request = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as IncomingMessage;

  it('keeps a short plain token', () => {
    expect(requestIdOf(request('abc-123_x.y:z'))).toBe('abc-123_x.y:z');
  });

  it('replaces a missing, long, odd or key-like id with a UUID', () => {
    for (const id of [undefined, '', 'a'.repeat(65), 'a b', 'a\nb', '<script>', `lk_${'x'.repeat(49)}`]) {
      expect(requestIdOf(request(id))).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
