// The server under `node --cpu-prof`, for `npm run bench:profile`: runs dist/main.js unchanged
// and leaves through process.exit on SIGUSR2, so that the profile is written (a server ended by
// SIGTERM re-raises the signal after its shutdown hooks, and a process killed by a signal writes
// no profile).
import { MAIN } from './latchkey.mjs';

process.on('SIGUSR2', () => process.exit(0));
await import(MAIN);
