import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/config.js';

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
  // Imported only once the environment is known to be valid: the module graph reads it.
  const { createApp } = await import('./app.js');
  const app = await createApp();
  await app.listen(config.port, config.host);
  console.log(`latchkey listening on http://${config.host}:${config.port}/api/v3`);
}

main().catch((error: unknown) => {
  console.error(`latchkey: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
