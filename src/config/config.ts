import { isIP } from 'node:net';
import { LOGIN_PATTERN } from '../common/input-rules.js';
import { type LifecycleSettings, loadLifecycleSettings, SettingError } from './lifecycle-settings.js';

/** Validated runtime configuration, read once from the environment at boot. */
export interface AppConfig extends LifecycleSettings {
  port: number;
  host: string;
  databaseUrl: string;
  adminUsername?: string;
  adminPassword?: string;
  trustProxy: boolean;
  bodyLimitBytes: number;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  keysOwnObjectsDefault: boolean;
  keysMaxLifetimeDays?: number;
  redisUrl?: string;
  /** Failed authentications per address per minute before that address gets 429. */
  authFailuresPerMinute: number;
  /** Failed password logins per address and username per 15 minutes. */
  loginFailuresPer15Minutes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  corsOrigins: string[];
  /** On SIGTERM: seconds `/health/ready` answers 503 while requests are still served (the load balancer takes the instance out). */
  shutdownDrainSeconds: number;
  /** After the drain: seconds for requests in flight and the final writes before the process exits anyway. */
  shutdownTimeoutSeconds: number;
  /** How instances on one PostgreSQL hear each other's credential changes: LISTEN/NOTIFY, or a polled change-log table. */
  credentialEvents: 'notify' | 'poll';
  /** With `credentialEvents: 'poll'`: milliseconds between two reads of the change log. */
  credentialPollMs: number;
  /** How long a successful answer is kept for replay under its `X-Request-id` (VSPC: 5 minutes). */
  idempotencyTtlSeconds: number;
  /** `LATCHKEY_BENCH_METRICS=1`: count SQL queries and serve them on loopback for `npm run bench`. */
  benchMetrics: boolean;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Thrown for a bad environment value; main prints its message as one line and exits. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function databaseUrl(env: Env): string {
  const raw = env.DATABASE_URL || 'sqlite:./data/latchkey.sqlite';
  if (/^sqlite:.+/.test(raw) || /^postgres(ql)?:\/\/.+/.test(raw)) return raw;
  throw new ConfigError(
    `DATABASE_URL must be sqlite:<file> or postgresql://user@host:port/db, got "${raw.replace(/:[^:@/]*@/, ':***@')}"`,
  );
}

const CREDENTIAL_EVENTS = ['notify', 'poll'] as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

export function loadConfig(env: Env = process.env): AppConfig {
  const host = env.HOST || '127.0.0.1';
  if (host !== 'localhost' && !isIP(host)) {
    throw new ConfigError(`HOST must be an IP address or localhost, got "${host}"`);
  }
  const adminUsername = env.ADMIN_USERNAME || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  }
  if (adminUsername !== undefined && !LOGIN_PATTERN.test(adminUsername)) {
    throw new ConfigError(`ADMIN_USERNAME must be 1-64 of letters, digits and ._@-, got "${adminUsername}"`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as AppConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/.+/.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL must start with redis://, got "${redisUrl}"`);
  }
  const credentialEvents = (env.CREDENTIAL_EVENTS || 'notify') as AppConfig['credentialEvents'];
  if (!CREDENTIAL_EVENTS.includes(credentialEvents)) {
    throw new ConfigError(`CREDENTIAL_EVENTS must be notify or poll, got "${env.CREDENTIAL_EVENTS}"`);
  }
  let lifecycle: LifecycleSettings;
  try {
    lifecycle = loadLifecycleSettings(env);
  } catch (error) {
    throw error instanceof SettingError ? new ConfigError(error.message) : error;
  }
  const maxLifetime = env.KEYS_MAX_LIFETIME_DAYS ? integer(env, 'KEYS_MAX_LIFETIME_DAYS', 0, 1, 36500) : undefined;
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl: databaseUrl(env),
    adminUsername,
    adminPassword,
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 3600, 60, 86400),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 86400, 300, 365 * 86400),
    keysOwnObjectsDefault: boolean(env, 'KEYS_OWN_OBJECTS_DEFAULT', false),
    keysMaxLifetimeDays: maxLifetime,
    redisUrl,
    authFailuresPerMinute: integer(env, 'AUTH_FAILURES_PER_MINUTE', 30, 1, 1_000_000),
    loginFailuresPer15Minutes: integer(env, 'LOGIN_FAILURES_PER_15_MINUTES', 10, 1, 1_000_000),
    logLevel,
    idempotencyTtlSeconds: integer(env, 'IDEMPOTENCY_TTL_SECONDS', 300, 1, 3600),
    corsOrigins: (env.CORS_ORIGINS || '').split(',').map((o) => o.trim()).filter(Boolean),
    shutdownDrainSeconds: integer(env, 'SHUTDOWN_DRAIN_SECONDS', 5, 0, 300),
    shutdownTimeoutSeconds: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 15, 1, 600),
    credentialEvents,
    credentialPollMs: integer(env, 'CREDENTIAL_POLL_MS', 250, 50, 10_000),
    benchMetrics: boolean(env, 'LATCHKEY_BENCH_METRICS', false),
    ...lifecycle,
  };
}
