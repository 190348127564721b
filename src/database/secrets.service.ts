import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';
import { ServerSecret } from './server-secret.entity.js';

export type SecretName = 'api-key-hmac' | 'token-signing' | 'totp-encryption' | 'idempotency' | 'webhook-signing';
const NAMES: SecretName[] = ['api-key-hmac', 'token-signing', 'totp-encryption', 'idempotency', 'webhook-signing'];

/**
 * Server secrets live in the database so every instance on it agrees. The first instance
 * creates them; a concurrent creator loses the insert and reads the winner's value.
 */
@Injectable()
export class SecretsService {
  private readonly values = new Map<SecretName, Buffer>();

  constructor(private readonly em: EntityManager) {}

  /** Called by DatabaseModule once migrations have run. */
  async load(): Promise<void> {
    const em = this.em.fork();
    for (const name of NAMES) {
      await em.upsert(
        ServerSecret,
        { name, value: randomBytes(32).toString('base64url') },
        { onConflictFields: ['name'], onConflictAction: 'ignore' },
      );
    }
    const rows = await em.fork().find(ServerSecret, { name: { $in: NAMES } });
    for (const row of rows) this.values.set(row.name as SecretName, Buffer.from(row.value, 'base64url'));
  }

  get(name: SecretName): Buffer {
    const value = this.values.get(name);
    if (!value) throw new Error(`server secret ${name} is not loaded`);
    return value;
  }
}
