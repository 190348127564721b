import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * The built server as a process of its own, as a user runs it: for what only a real process
 * shows (signals, exit codes, what reaches stdout).
 */
const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A build of src/ one level under the project root, like dist/, so its relative paths to
 * migrations/ and console/ hold; one per suite, so projects running at once never share one.
 */
export function buildServer(name: string): { dir: string; remove(): void } {
  const dir = join(ROOT, `.${name}-build-${process.pid}-${randomBytes(3).toString('hex')}`);
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir, '--incremental', 'false', '--sourceMap', 'false'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** Resolves with its exit code and signal, waiting at most `timeoutMs` (then kills it). */
  exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }>;
}

/** Starts `main.js` of a build on a random loopback port; resolves once it listens. */
export async function startServer(build: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(build, 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const deadline = Date.now() + 60_000;
  while (!output.includes('latchkey listening')) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}): ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    stdout: () => stdout,
    exited: async (timeoutMs) => {
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const [code, signal] = await exit;
      clearTimeout(timer);
      return { code, signal, killed };
    },
  };
}
