import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup for the e2e projects: the app serves the web console from console/dist only
 * when it has been built, so run `npm run build:console` (once, before any suite starts) when the
 * build is missing or older than its sources. A separate process with NODE_ENV=production: inside
 * Vitest NODE_ENV is "test", and Vite would then bundle React's development build.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONSOLE = join(ROOT, 'console');
const INDEX = join(CONSOLE, 'dist', 'index.html');

function newestSource(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  const children = readdirSync(path).filter((name) => name !== 'dist' && name !== 'node_modules');
  return Math.max(stat.mtimeMs, ...children.map((name) => newestSource(join(path, name))));
}

export default function setup(): void {
  if (existsSync(INDEX) && statSync(INDEX).mtimeMs >= newestSource(CONSOLE)) return;
  const result = spawnSync('npm', ['run', 'build:console'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0 || !existsSync(INDEX)) {
    throw new Error(`npm run build:console failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  }
}
