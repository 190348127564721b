/**
 * The shape of a Latchkey API key: `lk_` + 43 base62 characters of random data + 6 base62
 * characters of the CRC32 of those 43 (most significant digit first). The checksum only catches
 * typos and truncation, so a malformed key is refused without asking Latchkey; it adds no strength.
 */
export const KEY_PREFIX = 'lk_';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const KEY_LENGTH = KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** CRC-32 (IEEE 802.3, reflected, as zlib computes it), table-driven; not every runtime has zlib. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of an ASCII string (the key body is base62, so one byte per character). */
export function crc32(ascii: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) crc = CRC_TABLE[(crc ^ ascii.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksumOf(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

/** True when the string has the key's prefix, whatever the rest (how Latchkey tells keys from tokens). */
export function looksLikeKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX);
}

/** Base62 digit value of each ASCII character, -1 for the others. */
const DIGIT = (() => {
  const digits = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) digits[ALPHABET.charCodeAt(i)] = i;
  return digits;
})();

/**
 * Format and checksum check: pure CPU, no I/O, no allocation (it runs on every request: about
 * 0.1 µs). The body's CRC-32 is computed while its characters are checked, and compared with the
 * value of the 6 checksum digits (62^6 > 2^32, so equal values mean equal digits).
 */
export function isWellFormedKey(value: string): boolean {
  if (value.length !== KEY_LENGTH || !value.startsWith(KEY_PREFIX)) return false;
  let crc = 0xffffffff;
  const bodyEnd = KEY_PREFIX.length + BODY_LENGTH;
  for (let i = KEY_PREFIX.length; i < bodyEnd; i++) {
    const c = value.charCodeAt(i);
    if (c > 127 || DIGIT[c] < 0) return false;
    crc = CRC_TABLE[(crc ^ c) & 0xff] ^ (crc >>> 8);
  }
  let checksum = 0;
  for (let i = bodyEnd; i < KEY_LENGTH; i++) {
    const c = value.charCodeAt(i);
    const digit = c > 127 ? -1 : DIGIT[c];
    if (digit < 0) return false;
    checksum = checksum * 62 + digit;
  }
  return checksum === (crc ^ 0xffffffff) >>> 0;
}

/** A well-formed key around the given 43-character base62 body (for tests and fixtures). */
export function keyWithBody(body: string): string {
  if (!/^[0-9A-Za-z]{43}$/.test(body)) throw new TypeError('A key body is 43 base62 characters.');
  return KEY_PREFIX + body + checksumOf(body);
}
