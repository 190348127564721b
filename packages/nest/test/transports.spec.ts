import { describe, expect, it } from 'vitest';
import { extractKey, keyCandidates } from '../src/core/transports.js';
import { newKey } from './support/fake-latchkey.js';

const KEY = newKey();
const OTHER = newKey();
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const MALFORMED = KEY.slice(0, -1) + (KEY.endsWith('a') ? 'b' : 'a');

describe('extractKey: the four transports, as Latchkey reads them', () => {
  it.each([
    ['Authorization: Bearer', { authorization: `Bearer ${KEY}` }],
    ['Authorization: bearer (any case, several spaces)', { authorization: `bearer   ${KEY}` }],
    ['raw Authorization', { authorization: KEY }],
    ['raw Authorization with surrounding spaces', { authorization: `  ${KEY} ` }],
    ['X-API-KEY', { 'x-api-key': KEY }],
    ['HTTP Basic with the key as password', { authorization: basic('anyone', KEY) }],
    ['HTTP Basic, scheme in lower case', { authorization: basic('x', KEY).replace('Basic', 'basic') }],
  ])('%s', (_what, headers) => {
    expect(extractKey(headers)).toBe(KEY);
  });

  it('reads a fetch Headers object (Hono, undici, workers)', () => {
    expect(extractKey(new Headers({ 'X-API-Key': KEY }))).toBe(KEY);
    expect(extractKey(new Headers({ Authorization: `Bearer ${KEY}` }))).toBe(KEY);
  });

  it.each([
    ['no header', {}],
    ['a Bearer access token (not a key)', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' }],
    ['raw Authorization that is not a key', { authorization: 'token abc' }],
    ['Basic without a user name', { authorization: basic('', KEY) }],
    ['Basic without a password', { authorization: basic('user', '') }],
    ['Basic without credentials', { authorization: 'Basic' }],
    ['Basic with broken base64', { authorization: 'Basic @@@' }],
    ['an empty X-API-KEY', { 'x-api-key': '' }],
  ])('finds none with %s', (_what, headers) => {
    expect(extractKey(headers as Record<string, string>)).toBeNull();
  });

  it('tries the transports in Latchkey’s order: Authorization, then X-API-KEY, then Basic', () => {
    expect(keyCandidates({ authorization: `Bearer ${KEY}`, 'x-api-key': OTHER })).toEqual([KEY, OTHER]);
    expect(extractKey({ authorization: `Bearer ${KEY}`, 'x-api-key': OTHER })).toBe(KEY);
    expect(extractKey({ authorization: basic('u', OTHER), 'x-api-key': KEY })).toBe(KEY);
  });

  it('skips a malformed key when a well-formed one follows, as Latchkey falls through to the next transport', () => {
    expect(extractKey({ authorization: `Bearer ${MALFORMED}`, 'x-api-key': KEY })).toBe(KEY);
    expect(extractKey({ authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig', 'x-api-key': KEY })).toBe(KEY);
  });

  it('returns a malformed key when it is the only one, for the verifier to refuse', () => {
    expect(extractKey({ 'x-api-key': MALFORMED })).toBe(MALFORMED);
  });

  it('takes the first of repeated headers', () => {
    expect(extractKey({ 'x-api-key': [KEY, OTHER] })).toBe(KEY);
  });
});
