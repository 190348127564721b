// HAProxy for the soak: the shipped deploy/haproxy.cfg with only its addresses changed (listening
// port, runtime socket, log target, one `server` line per instance), its runtime API, and its log.
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';

/**
 * The shipped configuration, made to run here: every setting that matters (timeouts, checks,
 * retries, draining) is the one a user deploys; the `server` lines are rebuilt from the first
 * one, so its options carry over.
 */
export function renderConfig(shippedFile, { port, socket, servers }) {
  const lines = readFileSync(shippedFile, 'utf8').split('\n');
  const out = [];
  let serverTemplate = null;
  let replaced = { bind: false, socket: false, log: false };
  for (const line of lines) {
    if (/^\s*bind\s+\S+:\d+\s*$/.test(line) && !replaced.bind) {
      out.push(line.replace(/\S+:\d+/, `127.0.0.1:${port}`));
      replaced.bind = true;
    } else if (/^\s*stats socket\s/.test(line)) {
      out.push(`    stats socket ${socket} mode 600 level admin`);
      replaced.socket = true;
    } else if (/^\s*log\s+\/dev\/log\b/.test(line)) {
      out.push('    log stdout format raw local0');
      replaced.log = true;
    } else if (/^\s*server\s+\S+\s+\S+:\d+/.test(line)) {
      if (!serverTemplate) {
        serverTemplate = line;
        for (const server of servers) {
          out.push(line.replace(/^(\s*server\s+)\S+(\s+)\S+:\d+/, `$1${server.name}$2127.0.0.1:${server.port}`));
        }
      }
    } else {
      out.push(line);
    }
  }
  for (const [what, done] of Object.entries(replaced)) {
    if (!done) throw new Error(`${shippedFile}: no ${what} line to adapt`);
  }
  if (!serverTemplate) throw new Error(`${shippedFile}: no server line`);
  return out.join('\n');
}

/** One runtime API command over the admin socket; resolves with the answer text. */
export function runtime(socket, command, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    const chunks = [];
    const timer = setTimeout(() => connection.destroy(new Error(`haproxy runtime API: no answer to "${command}"`)), timeoutMs);
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (chunk) => chunks.push(chunk));
    connection.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    connection.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString());
    });
  });
}

/**
 * Operational state of each server of a backend: { latchkey1: 'UP' | 'STARTING' | 'DOWN' |
 * 'STOPPING' | 'MAINT' | 'DRAIN', … }. STARTING: up and ramping (slowstart).
 */
export async function serverStates(socket, backend = 'latchkey') {
  const text = await runtime(socket, `show servers state ${backend}`);
  const states = {};
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state ...
    if (fields.length < 8 || fields[1] !== backend || !/^\d+$/.test(fields[5])) continue;
    const op = Number(fields[5]);
    const admin = Number(fields[6]);
    states[fields[3]] = admin & 0x01 || admin & 0x04 ? 'MAINT' : admin & 0x08 ? 'DRAIN' : ['DOWN', 'STARTING', 'UP', 'STOPPING'][op] ?? 'DOWN';
  }
  return states;
}

export async function setServerState(socket, server, state, backend = 'latchkey') {
  const answer = await runtime(socket, `set server ${backend}/${server} state ${state}`);
  if (answer.trim()) throw new Error(`haproxy: set server ${server} state ${state}: ${answer.trim()}`);
}

// 127.0.0.1:41234 [01/Dec/2026:21:30:00.123] latchkey_http latchkey/latchkey1 0/0/0/2/2 200 123 - - ---- 3/3/0/1/0 0/0 {soak-s-1} "GET /x HTTP/1.1"
const HTTPLOG = /^\S+ \[[^\]]+\] \S+ ([^/\s]+)\/(\S+) (-?\d+)\/(-?\d+)\/(-?\d+)\/(-?\d+)\/(\+?-?\d+) (-?\d+) \+?\d+ \S+ \S+ (\S{4}) \d+\/\d+\/\d+\/\d+\/\+?(\d+) \d+\/\d+ \{([^}]*)\}/;

/**
 * HAProxy's request log, by request id: which server had the request, its status, HAProxy's
 * termination state (e.g. `SH--`: the server aborted) and how many times it was retried.
 */
export function parseLog(logFile) {
  const byId = new Map();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const match = HTTPLOG.exec(line);
    if (!match) continue;
    const [, backend, server, , , , , , status, termination, retries, id] = match;
    if (!id) continue;
    byId.set(id, { backend, server, status: Number(status), termination, retries: Number(retries) });
  }
  return byId;
}
