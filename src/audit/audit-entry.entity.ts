import { defineEntity, p } from '@mikro-orm/core';

/** Append-only record of a change, login, refusal or revocation. Never holds a secret. */
export const AuditEntrySchema = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_entries',
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime().index(),
    action: p.string().length(64).index(),
    outcome: p.string().length(16),
    actorUserUid: p.string().length(36).nullable().index(),
    actorName: p.string().length(128).default(''),
    identityId: p.integer().nullable(),
    targetType: p.string().length(32).default(''),
    targetId: p.string().length(64).default(''),
    companyUid: p.string().length(36).nullable().index(),
    fromAddress: p.string().length(64).default(''),
    details: p.json<Record<string, unknown>>(),
  },
});

export class AuditEntry extends AuditEntrySchema.class {}
AuditEntrySchema.setClass(AuditEntry);
