/** Every event a webhook may subscribe to (docs/webhooks.md describes each payload). */
export const EVENT_TYPES = [
  'key.created',
  'key.updated',
  'key.rotated',
  'key.deleted',
  'key.expiring',
  'key.expired',
  'key.leaked',
  'user.disabled',
  'company.disabled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** An event before it is written to the outbox: what happened, to whom, in which tenant. */
export interface LifecycleEvent {
  type: EventType;
  /** The tenant of the subject; null when it could not be known (then only provider webhooks hear it). */
  companyUid: string | null;
  data: Record<string, unknown>;
}
