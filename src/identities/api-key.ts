import { createHmac, type KeyObject, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Latchkey API key: `lk_` + 43 base62 chars of CSPRNG output (256 bits) + 6 base62 chars of
 * the CRC32 of those 43. The checksum lets a malformed or mistyped key be refused without any
 * database access; it is not a secret and adds no strength.
 */
export const KEY_PREFIX = 'lk_';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = /^lk_[0-9A-Za-z]{49}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

/** Same digits as `base62(BigInt(crc))`, in plain number arithmetic: a CRC32 fits in 2^53. */
function checksum(body: string): string {
  let value = crc32(body);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

export function generateApiKey(): string {
  const body = base62(BigInt('0x' + randomBytes(32).toString('hex')), BODY_LENGTH);
  return KEY_PREFIX + body + checksum(body);
}

/** True when the string has the key's shape, whatever its checksum. */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX);
}

/** Format and checksum check: pure CPU, no I/O. */
export function isWellFormedApiKey(value: string): boolean {
  if (value.length !== KEY_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH || !KEY_PATTERN.test(value)) return false;
  const body = value.slice(KEY_PREFIX.length, KEY_PREFIX.length + BODY_LENGTH);
  return checksum(body) === value.slice(KEY_PREFIX.length + BODY_LENGTH);
}

/** The only part of a key kept in clear, to let people recognise it. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 8);
}

/**
 * Keyed hash stored in the unique index; lookups go by this value, never by comparison. Pass a
 * `KeyObject` (`createSecretKey`) on hot paths: a raw Buffer key is re-imported on every call,
 * which costs about 8x the hash itself.
 */
export function hashApiKey(key: string, secret: Buffer | KeyObject): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}
