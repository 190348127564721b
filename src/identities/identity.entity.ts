import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/user.entity.js';

export const IDENTITY_PROVIDERS = ['VSPC', 'AK', 'TOTP'] as const;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];
export const IDENTITY_STATUSES = ['enabled', 'disabled'] as const;
export type IdentityStatus = (typeof IDENTITY_STATUSES)[number];

/** Where a scanner found a key: the public URL and the kind of source (GitHub's `url` and `source`). */
export interface LeakReport {
  reportedAt: string;
  url: string;
  source: string;
}

export const IdentitySchema = defineEntity({
  name: 'Identity',
  tableName: 'identities',
  properties: {
    id: p.integer().primary().autoincrement(),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    provider: p.string().length(8).$type<IdentityProvider>(),
    description: p.string().length(128).default(''),
    isReadAccessOnly: p.boolean().default(false),
    scopes: p.json<string[]>(),
    status: p.string().length(16).$type<IdentityStatus>(),
    identifierInProvider: p.string().length(128),
    creationDate: p.datetime(),
    /** Password hash (VSPC) or encrypted TOTP secret; never serialised. API keys live in ApiKeySecret. */
    secret: p.text().nullable().hidden().lazy(),
    keyPrefix: p.string().length(16).default(''),
    /** Narrowing of the user's role permissions; null means "as the user". */
    permissions: p.json<string[]>().nullable(),
    expirationDate: p.datetime().nullable().index(),
    allowedIps: p.json<string[]>(),
    pathPrefixes: p.json<string[]>(),
    ownObjectsOnly: p.boolean().default(false),
    rateLimitPerMinute: p.integer().nullable(),
    lastUsedAt: p.datetime().nullable(),
    lastUsedFrom: p.string().length(64).default(''),
    createdBy: p.string().length(36).nullable(),
    /** The latest secret-scanning report of this key, if it was ever reported leaked. */
    leakReport: p.json<LeakReport>().nullable(),
    /** TOTP: the last accepted time step, so a code is accepted once within its window. */
    otpLastTimeStep: p.bigint('number').nullable(),
  },
});

export class Identity extends IdentitySchema.class {}

/**
 * The fields of a password or second-factor identity that only keys use, at their neutral values:
 * such identities act with their user's full role on every surface.
 */
export function sessionIdentityDefaults() {
  return {
    isReadAccessOnly: false,
    scopes: ['integration', 'rest', 'ui'],
    permissions: null,
    expirationDate: null,
    allowedIps: [],
    pathPrefixes: [],
    ownObjectsOnly: false,
    rateLimitPerMinute: null,
    lastUsedAt: null,
    otpLastTimeStep: null,
    leakReport: null,
  };
}
IdentitySchema.setClass(Identity);
