// Child processes of the bench: servers under test and helpers, each on its own loopback port,
// each stopped at the end whatever happens. Output goes to a file in the work folder, not to a
// pipe: a pipe drained by the bench process (which also runs the load) would throttle a server
// that logs every request, and measure the pipe instead of the server.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const children = new Set();
export const work = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));

export function log(line) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node [nodeArgs] script` with PORT and HOST set and resolves once its output matches
 * `readyPattern`. Returns `{ child, url, logFile }`.
 */
export async function startChild(script, { env = {}, nodeArgs = [], ready, timeoutMs = 60_000 }) {
  const port = await freePort();
  const logFile = join(work, `${basename(script)}-${port}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  children.add(child);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
    children.delete(child);
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = readFileSync(logFile, 'utf8');
    if (ready.test(output)) break;
    if (exited !== null) throw new Error(`${script} exited with ${exited}:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`${script} did not start in ${timeoutMs / 1000} s:\n${output.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url: `http://127.0.0.1:${port}`, logFile };
}

/** Runs a node script to its end and resolves with its stdout (its stderr is passed through). */
export function runChild(script, { args = [], nodeArgs = [], env = {}, timeoutMs = 5 * 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const stdout = Buffer.concat(chunks).toString();
      if (code === 0) resolve(stdout);
      else reject(new Error(`${script} exited with ${code ?? signal}:\n${stdout.slice(-2000)}`));
    });
  });
}

export async function stopChild({ child }, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/** Stops every child still running and removes the work folder. */
export async function cleanup() {
  await Promise.all([...children].map((child) => stopChild({ child })));
  rmSync(work, { recursive: true, force: true });
}

export function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User and system CPU time of a process so far, in µs (/proc/<pid>/stat fields 14 and 15). */
export function cpuTime(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const us = (ticks) => (Number(ticks) * 1e6) / CLOCK_TICKS;
  return { user: us(fields[11]), system: us(fields[12]) };
}
