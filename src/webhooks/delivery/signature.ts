import { createHmac, randomBytes } from 'node:crypto';

/**
 * Deliveries are signed like this (docs/webhooks.md shows how to check it): HMAC-SHA-256, keyed
 * with the webhook's signing secret as given at creation (its UTF-8 text), over the timestamp
 * header, a dot, and the exact body; sent as `v1=<hex>`. The timestamp lets receivers refuse
 * replays of old deliveries.
 */
export const SIGNATURE_SCHEME = 'v1';

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `${SIGNATURE_SCHEME}=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** 256 bits of CSPRNG output, prefixed so a leaked one is recognisable. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
