// The bench's one door into the built server (`dist/`, from `nest build`). Everything the bench
// uses from Latchkey's code comes through here, so that when the sources move only this file
// changes. Keep it to paths and re-exports: no logic of the bench's own.
import { fileURLToPath } from 'node:url';

/** The server's entry point, started as a child process (`node dist/main.js`). */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Key format and keyed hash: seeding keys straight into a database, malformed probes. */
export { displayPrefix, generateApiKey, hashApiKey } from '../dist/identities/api-key.js';

/**
 * The app factory, its configuration and the verifier class, for the in-process scenario. Loaded
 * on demand, so that the orchestrating process (which runs the load generator) does not carry the
 * whole server.
 */
export async function loadServer() {
  const [{ createApp }, { loadConfig }, { ApiKeyVerifier, VERIFIER_LIMITS }] = await Promise.all([
    import('../dist/app.js'),
    import('../dist/config/config.js'),
    import('../dist/identities/api-key-verifier.js'),
  ]);
  return { createApp, loadConfig, ApiKeyVerifier, VERIFIER_LIMITS };
}

/**
 * The positive cache's capacity (principals), as the server states it: the bench metrics route's
 * `cacheCapacity` when the server serves one, else the verifier's published bound.
 */
export async function cacheCapacity(metrics = {}) {
  if (Number.isInteger(metrics.cacheCapacity)) return { value: metrics.cacheCapacity, source: 'GET /__bench/metrics cacheCapacity' };
  const { VERIFIER_LIMITS } = await import('../dist/identities/api-key-verifier.js');
  return { value: VERIFIER_LIMITS.positive, source: 'VERIFIER_LIMITS.positive (dist/identities/api-key-verifier.js)' };
}
