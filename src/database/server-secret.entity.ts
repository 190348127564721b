import { defineEntity, p } from '@mikro-orm/core';

/** Random secrets created on first start and shared by every instance on one database. */
export const ServerSecretSchema = defineEntity({
  name: 'ServerSecret',
  tableName: 'server_secrets',
  properties: {
    name: p.string().length(32).primary(),
    value: p.string().length(128).hidden(),
  },
});

export class ServerSecret extends ServerSecretSchema.class {}
ServerSecretSchema.setClass(ServerSecret);
