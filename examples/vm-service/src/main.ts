import { createVmService, DEFAULT_DATABASE_PATH } from './app.js';
import { ConfigError, readConfig } from './config.js';

let config;
try {
  config = readConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`vm-service: ${error.message}\n`);
  process.exit(2);
}

const app = await createVmService({
  latchkey: { url: config.latchkeyUrl, serviceKey: config.serviceKey },
  databasePath: config.databasePath,
  trustProxy: config.trustProxy,
});
app.enableShutdownHooks();
await app.listen(config.port, config.host);
process.stdout.write(
  `vm-service listening on http://${config.host}:${config.port} (machines in ${config.databasePath ?? DEFAULT_DATABASE_PATH}; keys verified by ${config.latchkeyUrl})\n`,
);
