import { defineEntity, p } from '@mikro-orm/core';

/**
 * How far the expiry scan has got, per notice: the expiration date and identity id of the last key
 * it announced (keys are scanned in that order). Advanced by compare-and-set in the transaction
 * that writes the notices, so two instances never announce the same key twice.
 */
export const ExpiryCursorSchema = defineEntity({
  name: 'ExpiryCursor',
  tableName: 'webhook_expiry_cursors',
  properties: {
    notice: p.string().length(16).primary(),
    at: p.datetime(),
    identityId: p.integer(),
    /** Bumped by the scan that takes the cursor. */
    version: p.integer().default(0),
  },
});

export class ExpiryCursor extends ExpiryCursorSchema.class {}
ExpiryCursorSchema.setClass(ExpiryCursor);
