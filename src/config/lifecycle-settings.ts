import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';

/** Thrown for a bad environment value (re-exported by config.ts as ConfigError's sibling). */
export class SettingError extends Error {}

type Env = Record<string, string | undefined>;

/**
 * One entry of WEBHOOK_ALLOWED_HOSTS: an exact host name, every subdomain of a suffix (`*.example.com`),
 * or an address range. Exact names and ranges also admit private and loopback addresses; suffixes
 * never do, so a wildcard cannot be turned into a way into the internal network.
 */
export type HostRule = { kind: 'name'; name: string } | { kind: 'suffix'; suffix: string } | { kind: 'network'; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

export interface WebhookSettings {
  /** Empty: any host, public addresses only. */
  allowedHosts: HostRule[];
  /** First retry delay; doubled per attempt (with jitter), capped at an hour. */
  retryBaseMs: number;
  /** How long a delivery is retried after it was queued (or asked to be redelivered). */
  retryWindowMs: number;
  /** Per request: connect, send and the answer's status line. */
  timeoutMs: number;
  /** Deliveries in flight per instance. */
  concurrency: number;
  /** How often an instance looks for due deliveries queued by others (its own wake it at once). */
  pollMs: number;
  /** How often the expiry scan runs. */
  expiryScanMs: number;
  /** Events and finished deliveries are kept this long. */
  retentionDays: number;
}

export interface ScannerKey {
  id: string;
  key: KeyObject;
}

export interface LifecycleSettings {
  webhooks: WebhookSettings;
  /** Public keys that may sign leaked-key reports (SECRET_SCANNING_KEYS_FILE); empty: reports are refused. */
  secretScanningKeys: ScannerKey[];
  /** The issuer and base of every URL in the OAuth metadata; derived from each request when unset. */
  publicUrl?: string;
  /** Requests per address per minute to the public revocation routes (by value, and RFC 7009). */
  revocationsPerMinute: number;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new SettingError(`${name} must be an integer from ${min} to ${max}, got "${raw.slice(0, 40)}"`);
  }
  return Number(raw);
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function parseHostRule(entry: string): HostRule | null {
  const value = entry.trim().toLowerCase();
  if (value.includes('/')) return ipaddr.isValidCIDR(value) ? { kind: 'network', range: ipaddr.parseCIDR(value) } : null;
  const bare = value.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(bare)) {
    const address = ipaddr.process(bare);
    return { kind: 'network', range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  }
  if (value.startsWith('*.')) return HOST_NAME.test(value.slice(2)) ? { kind: 'suffix', suffix: value.slice(1) } : null;
  return HOST_NAME.test(value) ? { kind: 'name', name: value } : null;
}

function allowedHosts(env: Env): HostRule[] {
  const raw = (env.WEBHOOK_ALLOWED_HOSTS ?? '').trim();
  if (!raw) return [];
  const entries = raw.split(',').map((entry) => entry.trim()).filter(Boolean);
  if (entries.length > 100) throw new SettingError('WEBHOOK_ALLOWED_HOSTS may list at most 100 entries');
  return entries.map((entry) => {
    const rule = parseHostRule(entry);
    if (!rule) {
      throw new SettingError(`WEBHOOK_ALLOWED_HOSTS entries must be host names, *.suffixes, addresses or CIDR ranges, got "${entry.slice(0, 100)}"`);
    }
    return rule;
  });
}

/**
 * SECRET_SCANNING_KEYS_FILE: the scanner's public keys, as GitHub publishes them
 * (`{ "public_keys": [ { "key_identifier", "key" } ] }`) or as a plain `{ "<key id>": "<PEM>" }`.
 * Only ECDSA P-256 keys are accepted, since reports are signed with ECDSA P-256 / SHA-256.
 */
export function scannerKeys(env: Env): ScannerKey[] {
  const file = env.SECRET_SCANNING_KEYS_FILE;
  if (!file) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? 'is not JSON' : 'cannot be read';
    throw new SettingError(`SECRET_SCANNING_KEYS_FILE names a file that ${why}: "${file.slice(0, 200)}"`);
  }
  const listed = (parsed as { public_keys?: unknown })?.public_keys;
  const pairs: [unknown, unknown][] = Array.isArray(listed)
    ? listed.map((entry) => [(entry as { key_identifier?: unknown })?.key_identifier, (entry as { key?: unknown })?.key])
    : parsed && typeof parsed === 'object' ? Object.entries(parsed) : [];
  if (!pairs.length || pairs.length > 100) throw new SettingError('SECRET_SCANNING_KEYS_FILE must hold 1-100 public keys');
  return pairs.map(([id, pem]) => {
    if (typeof id !== 'string' || !/^[A-Za-z0-9._:+/=-]{1,200}$/.test(id) || typeof pem !== 'string') {
      throw new SettingError('SECRET_SCANNING_KEYS_FILE: every key needs an identifier (1-200 plain characters) and a PEM');
    }
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new SettingError(`SECRET_SCANNING_KEYS_FILE: the key "${id.slice(0, 40)}" is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new SettingError(`SECRET_SCANNING_KEYS_FILE: the key "${id.slice(0, 40)}" is not an ECDSA P-256 key`);
    }
    return { id, key };
  });
}

/** PUBLIC_URL: an absolute http(s) URL without query or fragment; a trailing slash is dropped. */
function publicUrl(env: Env): string | undefined {
  const raw = env.PUBLIC_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingError(`PUBLIC_URL must be an absolute URL such as https://latchkey.example.com, got "${raw.slice(0, 100)}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password || raw.includes('#')) {
    throw new SettingError('PUBLIC_URL must be an http(s) URL without credentials, query or fragment');
  }
  return url.toString().replace(/\/$/, '');
}

export function loadLifecycleSettings(env: Env): LifecycleSettings {
  return {
    webhooks: {
      allowedHosts: allowedHosts(env),
      retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000),
      retryWindowMs: integer(env, 'WEBHOOK_RETRY_WINDOW_SECONDS', 86_400, 1, 7 * 86_400) * 1000,
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      concurrency: integer(env, 'WEBHOOK_CONCURRENCY', 8, 1, 64),
      pollMs: integer(env, 'WEBHOOK_POLL_MS', 1_000, 20, 60_000),
      expiryScanMs: integer(env, 'WEBHOOK_EXPIRY_SCAN_MS', 60_000, 50, 3_600_000),
      retentionDays: integer(env, 'WEBHOOK_RETENTION_DAYS', 30, 1, 3650),
    },
    secretScanningKeys: scannerKeys(env),
    publicUrl: publicUrl(env),
    revocationsPerMinute: integer(env, 'REVOCATIONS_PER_MINUTE', 60, 1, 1_000_000),
  };
}
