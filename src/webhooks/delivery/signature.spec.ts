import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSigningSecret, signatureOf } from './signature.js';

describe('delivery signatures', () => {
  it('are v1= and the hex HMAC-SHA-256 of timestamp, dot and body, keyed with the secret as text', () => {
    const secret = 'whsec_test';
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update('1700000000.{"a":1}').digest('hex');
    expect(signatureOf(secret, 1_700_000_000, '{"a":1}')).toBe(`v1=${expected}`);
  });

  it('change with the timestamp, the body and the secret', () => {
    const base = signatureOf('whsec_a', 1, 'body');
    expect(signatureOf('whsec_a', 2, 'body')).not.toBe(base);
    expect(signatureOf('whsec_a', 1, 'body ')).not.toBe(base);
    expect(signatureOf('whsec_b', 1, 'body')).not.toBe(base);
  });

  it('come from 256-bit secrets, never twice the same', () => {
    const secrets = new Set(Array.from({ length: 100 }, newSigningSecret));
    expect(secrets.size).toBe(100);
    for (const secret of secrets) expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
