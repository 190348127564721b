import { ApiError } from '../../common/api-error.js';

/** Longest `secretUrl` read at all; an authenticator URL with a long label fits in a tenth of it. */
export const SECRET_URL_MAX_LENGTH = 2048;
/** Base32 characters of a seed: 16 (80 bits, RFC 4226's minimum is 128 bits = 26) to 128 (640 bits). */
const SECRET = /^[A-Z2-7]{16,128}$/;

const refuse = (message: string) => ApiError.badRequest(message, { parameterName: 'secretUrl' });

/**
 * The Base32 seed of an `otpauth://totp/…?secret=…` URL (Google Authenticator's key URI format),
 * refused unless it is one Latchkey verifies codes for: TOTP, SHA-1, 6 digits, 30-second steps.
 */
export function secretFromUrl(secretUrl: string): string {
  if (secretUrl.length > SECRET_URL_MAX_LENGTH) throw refuse(`secretUrl must be at most ${SECRET_URL_MAX_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(secretUrl);
  } catch {
    throw refuse('secretUrl must be an otpauth://totp/ URL.');
  }
  if (url.protocol !== 'otpauth:' || url.hostname.toLowerCase() !== 'totp') throw refuse('secretUrl must be an otpauth://totp/ URL.');
  const params = url.searchParams;
  const secrets = params.getAll('secret');
  if (secrets.length !== 1) throw refuse('secretUrl must carry one secret parameter.');
  const secret = secrets[0].toUpperCase().replace(/=+$/, '');
  if (!SECRET.test(secret)) throw refuse('The secret in secretUrl must be 16 to 128 Base32 characters (A-Z, 2-7).');
  const algorithm = params.get('algorithm');
  if (algorithm !== null && algorithm.toUpperCase() !== 'SHA1') throw refuse('Only the SHA1 algorithm is supported.');
  const digits = params.get('digits');
  if (digits !== null && digits !== '6') throw refuse('Only 6-digit codes are supported.');
  const period = params.get('period');
  if (period !== null && period !== '30') throw refuse('Only a 30-second period is supported.');
  return secret;
}
