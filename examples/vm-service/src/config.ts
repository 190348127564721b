import { isWellFormedKey } from '@latchkey/nest/core';

export interface VmServiceConfig {
  latchkeyUrl: string;
  serviceKey: string;
  port: number;
  host: string;
  databasePath: string | undefined;
  trustProxy: boolean;
}

export class ConfigError extends Error {}

/** The service's settings from the environment; a ConfigError names what is wrong in one line. */
export function readConfig(env: Record<string, string | undefined>): VmServiceConfig {
  const missing = ['LATCHKEY_URL', 'LATCHKEY_SERVICE_KEY', 'PORT'].filter((name) => !env[name]);
  if (missing.length) throw new ConfigError(`LATCHKEY_URL, LATCHKEY_SERVICE_KEY and PORT are required (missing: ${missing.join(', ')}).`);
  const latchkeyUrl = env.LATCHKEY_URL as string;
  let url: URL;
  try {
    url = new URL(latchkeyUrl);
  } catch {
    throw new ConfigError(`LATCHKEY_URL "${latchkeyUrl}" is not a URL (e.g. http://127.0.0.1:3000).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('LATCHKEY_URL must start with http:// or https://.');
  const serviceKey = (env.LATCHKEY_SERVICE_KEY as string).trim();
  if (!isWellFormedKey(serviceKey)) throw new ConfigError('LATCHKEY_SERVICE_KEY is not a well-formed Latchkey API key (lk_…).');
  const port = Number(env.PORT);
  if (!/^\d+$/.test(env.PORT as string) || port < 1 || port > 65_535) throw new ConfigError(`PORT must be an integer from 1 to 65535, not "${env.PORT}".`);
  const trust = env.TRUST_PROXY ?? 'false';
  if (trust !== 'true' && trust !== 'false') throw new ConfigError('TRUST_PROXY must be true or false.');
  return { latchkeyUrl, serviceKey, port, host: env.HOST || '127.0.0.1', databasePath: env.DATABASE_PATH || undefined, trustProxy: trust === 'true' };
}
