import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/user.entity.js';

/** One refresh token of a rotating family; only its hash is stored. */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    tokenHash: p.string().length(64).primary(),
    familyId: p.string().length(36).index(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    readOnly: p.boolean().default(false),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);
