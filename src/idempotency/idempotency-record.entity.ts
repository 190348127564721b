import { defineEntity, p } from '@mikro-orm/core';

/**
 * One `X-Request-id` of one caller, kept for the idempotency window: the request's fingerprint and,
 * once it has succeeded, its answer sealed under a server key. Nothing in it is readable in clear:
 * the key and the fingerprint are keyed digests, the answer is AES-GCM ciphertext.
 */
export const IdempotencyRecordSchema = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_records',
  properties: {
    /** HMAC of the caller and its request id. */
    recordKey: p.string().length(64).primary(),
    /** HMAC of the method, the URL and the body: the same id for another request is refused. */
    fingerprint: p.string().length(64),
    state: p.string().length(8).$type<'running' | 'done'>(),
    status: p.integer().nullable(),
    /** The sealed answer of a finished request. */
    outcome: p.text().nullable().hidden(),
    createdAt: p.datetime(),
    /** A running record past this is abandoned (its instance died); a done one is forgotten. */
    expiresAt: p.datetime().index(),
  },
});

export class IdempotencyRecord extends IdempotencyRecordSchema.class {}
IdempotencyRecordSchema.setClass(IdempotencyRecord);
