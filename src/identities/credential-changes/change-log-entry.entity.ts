import { defineEntity, p } from '@mikro-orm/core';

/**
 * One credential change, for instances that poll instead of LISTENing (`CREDENTIAL_EVENTS=poll`):
 * written in the change's own transaction, read by every instance by increasing id, deleted
 * after a few minutes. `message` is the same JSON a NOTIFY carries (ids and uids, never a secret).
 */
export const CredentialChangeLogEntrySchema = defineEntity({
  name: 'CredentialChangeLogEntry',
  tableName: 'credential_change_log',
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime().index(),
    message: p.text(),
  },
});

export class CredentialChangeLogEntry extends CredentialChangeLogEntrySchema.class {}
CredentialChangeLogEntrySchema.setClass(CredentialChangeLogEntry);
