// `nest build` only when dist/ is older than the sources it is built from.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

export function buildIfStale(root, log) {
  const built = join(root, 'dist', 'main.js');
  const sources = Math.max(newest(join(root, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'].map((f) => newest(join(root, f))));
  if (existsSync(built) && newest(join(root, 'dist')) >= sources) {
    log('dist/ is up to date');
    return false;
  }
  log('building the server (nest build)');
  const started = Date.now();
  execFileSync(join(root, 'node_modules', '.bin', 'nest'), ['build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}
