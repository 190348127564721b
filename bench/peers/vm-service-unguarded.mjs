// Peer for ratio_sdk_vs_unauthenticated: examples/vm-service built without the SDK guard
// (`createVmService({ guard: false })`), the same routes on the same stack, every request acting
// as one fixed subject. Never served outside the bench.
import { createVmService } from '../../examples/vm-service/dist/app.js';

const app = await createVmService({ guard: false, databasePath: process.env.DATABASE_PATH ?? ':memory:', logger: false });
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`vm-service unguarded listening on http://127.0.0.1:${app.getHttpServer().address().port}`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
