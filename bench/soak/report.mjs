// The soak's verdict: `name value goal` lines, the JSON result file, and the exit status.
import { writeFileSync } from 'node:fs';

/**
 * Goals that today's server is known to miss, each with the server change that meets it. They
 * are printed and reported like any other goal, but fail the run only with SOAK_STRICT=1 (so CI
 * stays green while the change is pending). When one of them is met, the soak says so: remove it
 * from this list then, and it guards the fix from that day on.
 */
export const PENDING = {
  sigterm_without_drain:
    'src/main.ts main() + src/observability/health.controller.ts ready(): on SIGTERM first answer 503 on /health/ready for a drain period (HAProxy takes the instance out) while still serving, then app.close()',
  sigterm_close_ms_max:
    'src/app.ts createApp(): once closing, answer with "Connection: close" (or call server.closeIdleConnections() after each response) so keep-alive connections that were busy at SIGTERM do not hold the exit; cap the wait with closeAllConnections()',
  postgres_deadlocks:
    'src/identities/last-used.recorder.ts flush(): update the batch in ascending identity id order (or one UPDATE ... FROM (VALUES ...) statement) so instances flushing overlapping keys never deadlock',
  buffers_lost_on_sigterm:
    'src/main.ts main(): on SIGTERM close HTTP, then flush LastUsedRecorder, then drain AuditService, then close the ORM; today Nest runs MikroOrmCoreModule.onApplicationShutdown (orm.close) before AuditService.onApplicationShutdown, so entries still buffered are lost, and a drain already started by the timer is not awaited',
  responses_failed_during_rolling_restart:
    'the drain of sigterm_without_drain, answering with "Connection: close" while draining: today a write sent on a keep-alive connection that the stopping instance closes is lost (HAProxy may only retry GETs)',
  sigterm_not_exited_in_time:
    'src/main.ts main(): after a PostgreSQL restart, MikroOrmCoreModule.onApplicationShutdown (orm.close()) never resolves; bound the shutdown (e.g. 10 s after SIGTERM, then exit) so systemd\'s TimeoutStopSec never has to SIGKILL',
  log_lines_lost_on_sigterm:
    'src/observability/logging.ts createLoggers(): flush the pino destination on a timer and flushSync() it after app.close() on SIGTERM',
};

/** Whether a value meets its goal: '0', '<=N', '>=N', or 'report' (always met). */
export function meets(value, goal) {
  if (goal === 'report') return true;
  if (value === null || value === undefined || Number.isNaN(value)) return false;
  const match = /^(<=|>=|<|>)?\s*(-?[\d.]+)$/.exec(goal);
  if (!match) return true;
  const [, op = '=', bound] = match;
  const b = Number(bound);
  return op === '<=' ? value <= b : op === '>=' ? value >= b : op === '<' ? value < b : op === '>' ? value > b : value === b;
}

export function verdict(results, { strict = false } = {}) {
  const missed = [];
  const pendingMissed = [];
  const pendingMet = [];
  for (const [name, { value, goal }] of Object.entries(results)) {
    const ok = meets(value, goal);
    if (name in PENDING) (ok ? pendingMet : pendingMissed).push(name);
    else if (!ok) missed.push(name);
  }
  const failed = strict ? [...missed, ...pendingMissed] : missed;
  return { missed, pendingMissed, pendingMet, failed };
}

export function print(results, outcome, write = (line) => process.stdout.write(`${line}\n`)) {
  for (const [name, { value, goal }] of Object.entries(results)) write(`${name} ${value ?? 'none'} ${goal}`);
  for (const name of outcome.missed) write(`soak: MISSED ${name}`);
  for (const name of outcome.pendingMissed) write(`soak: missed ${name} (known server gap; fix: ${PENDING[name]})`);
  for (const name of outcome.pendingMet) write(`soak: ${name} met in this run (known server gap; remove it from PENDING in bench/soak/report.mjs once the fix is in)`);
  write(outcome.failed.length ? `soak: FAILED (${outcome.failed.join(', ')})` : 'soak: passed');
}

export function save(file, results, outcome, context) {
  writeFileSync(file, `${JSON.stringify({ ...context, outcome, results }, null, 2)}\n`);
}
