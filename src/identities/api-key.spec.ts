import { describe, expect, it } from 'vitest';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key.js';

describe('API key format', () => {
  it('generates lk_ + 49 base62 chars that pass their own checksum', () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
    for (const key of keys) {
      expect(key).toMatch(/^lk_[0-9A-Za-z]{49}$/);
      expect(isWellFormedApiKey(key)).toBe(true);
    }
  });

  it('refuses a key with one character changed', () => {
    const key = generateApiKey();
    const index = 10;
    const swapped = key.slice(0, index) + (key[index] === 'a' ? 'b' : 'a') + key.slice(index + 1);
    expect(isWellFormedApiKey(swapped)).toBe(false);
  });

  it.each(['', 'lk_', 'lk_short', 'xx_' + 'a'.repeat(49), 'lk_' + 'a'.repeat(48) + '!', 'lk_' + 'a'.repeat(60)])(
    'refuses malformed %j',
    (value) => expect(isWellFormedApiKey(value)).toBe(false),
  );

  it('hashes with the server secret and shows only a short prefix', () => {
    const key = generateApiKey();
    const a = hashApiKey(key, Buffer.from('one'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key, Buffer.from('two'))).not.toBe(a);
    expect(displayPrefix(key)).toHaveLength(11);
    expect(key.startsWith(displayPrefix(key))).toBe(true);
  });
});
