import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, isWellFormedKey, keyWithBody } from '../src/core/key-format.js';

/** Keys made by Latchkey's own generator (random values, not credentials of any server). */
const LATCHKEY_KEYS = [
  'lk_koFs9otO72SP3wJ0NSOE6QX7nVZALNgU1oDdXS3Tq483kKJhB',
  'lk_1fsQ9WPlH4b8yUFkRVhnXtwFukXB45C85yCqRGBa12W1p2Jgg',
  'lk_ALw874Pmj8DEvCpd8SXHdPZWc6KpxjNoxbesCLJ5Nre3bIHbu',
];

describe('key format', () => {
  it('accepts keys made by Latchkey', () => {
    for (const key of LATCHKEY_KEYS) expect(isWellFormedKey(key), key).toBe(true);
  });

  it('computes the same CRC-32 as zlib', () => {
    for (const text of ['', 'a', 'koFs9otO72SP3wJ0NSOE6QX7nVZALNgU1oDdXS3Tq48', 'The quick brown fox']) {
      expect(crc32(text)).toBe(zlibCrc32(text));
    }
  });

  it.each([
    ['a changed character', LATCHKEY_KEYS[0].replace('koFs', 'koFt')],
    ['a changed checksum', LATCHKEY_KEYS[0].slice(0, -1) + (LATCHKEY_KEYS[0].endsWith('B') ? 'C' : 'B')],
    ['a missing character', LATCHKEY_KEYS[0].slice(0, -1)],
    ['an extra character', LATCHKEY_KEYS[0] + 'x'],
    ['another prefix', 'lx_' + LATCHKEY_KEYS[0].slice(3)],
    ['a character outside base62', LATCHKEY_KEYS[0].replace('9', '-')],
    ['surrounding whitespace', ` ${LATCHKEY_KEYS[0]}`],
    ['an empty string', ''],
  ])('refuses %s', (_what, key) => {
    expect(isWellFormedKey(key)).toBe(false);
  });

  it('builds well-formed keys for fixtures', () => {
    const key = keyWithBody('koFs9otO72SP3wJ0NSOE6QX7nVZALNgU1oDdXS3Tq48');
    expect(key).toBe(LATCHKEY_KEYS[0]);
    expect(() => keyWithBody('short')).toThrow(TypeError);
  });
});
