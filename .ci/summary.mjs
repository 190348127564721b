// Prints the closing "N passed, N failed" line from Vitest's JSON report, and fails when a
// project (unit, sdk, medium and e2e on SQLite and PostgreSQL) ran no suite according to the console output.
// A third argument, the exit status of `npm run soak`, counts the soak as one more check.
import { existsSync, readFileSync } from 'node:fs';

const [reportFile, outputFile, soakStatus] = process.argv.slice(2);
if (!existsSync(reportFile)) {
  console.error('CI: Vitest wrote no report; the test command did not run');
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const output = readFileSync(outputFile, 'utf8').replace(/\u001b\[[0-9;]*m/g, '');

let missing = false;
for (const project of ['unit', 'sdk', 'medium-sqlite', 'medium-postgresql', 'e2e-sqlite', 'e2e-postgresql']) {
  const files = output.split('\n').filter((line) => new RegExp(`^\\s*[✓×❯]\\s+\\|?\\s*${project}\\b`).test(line)).length;
  console.log(`project ${project}: ${files} test files`);
  if (files === 0) {
    console.error(`CI: the ${project} suites did not run`);
    missing = true;
  }
}
let passed = report.numPassedTests ?? 0;
let failed = report.numFailedTests ?? 0;
if (soakStatus !== undefined) {
  const ok = soakStatus === '0';
  console.log(`soak: ${ok ? 'passed' : `failed (exit ${soakStatus})`}`);
  if (ok) passed += 1;
  else failed += 1;
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(missing || failed > 0 || passed === 0 ? 1 : 0);
