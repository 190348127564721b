import { defineEntity, p } from '@mikro-orm/core';
import { Identity } from './identity.entity.js';

/**
 * Keyed hash of an API key: the only form a key is stored in. An identity has one current
 * secret and, during a rotation's grace period, the previous one with an expiry.
 */
export const ApiKeySecretSchema = defineEntity({
  name: 'ApiKeySecret',
  tableName: 'api_key_secrets',
  properties: {
    hash: p.string().length(64).primary(),
    identity: () => p.manyToOne(Identity).deleteRule('cascade').index(),
    expiresAt: p.datetime().nullable(),
  },
});

export class ApiKeySecret extends ApiKeySecretSchema.class {}
ApiKeySecretSchema.setClass(ApiKeySecret);
