import 'reflect-metadata';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createLoggers } from './observability/logging.js';
import { stopOnSignals } from './shutdown.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`latchkey: configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const loggers = createLoggers(config);
  const app = await createApp(config, { loggers });
  await app.listen(config.port, config.host);
  stopOnSignals(app, config, loggers);
  console.log(`latchkey listening on http://${config.host}:${config.port}/api/v3`);
}

main().catch((error: unknown) => {
  console.error(`latchkey: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
