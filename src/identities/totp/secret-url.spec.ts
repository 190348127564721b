import { describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api-error.js';
import { secretFromUrl } from './secret-url.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

describe('secretFromUrl', () => {
  it.each([
    [`otpauth://totp/Latchkey:alice?secret=${SEED}&issuer=Latchkey`, SEED],
    [`otpauth://totp/VSPC1%5cAdministrator?secret=${SEED.toLowerCase()}&issuer=VSPC%20Company`, SEED],
    [`OTPAUTH://TOTP/x?secret=${SEED}==&algorithm=sha1&digits=6&period=30`, SEED],
  ])('reads the seed of %s', (url, seed) => {
    expect(secretFromUrl(url)).toBe(seed);
  });

  it.each([
    ['not a URL', 'secret'],
    ['another scheme', `https://totp/x?secret=${SEED}`],
    ['HOTP', `otpauth://hotp/x?secret=${SEED}&counter=1`],
    ['no secret', 'otpauth://totp/x?issuer=Latchkey'],
    ['two secrets', `otpauth://totp/x?secret=${SEED}&secret=${SEED}`],
    ['a short secret', 'otpauth://totp/x?secret=JBSWY3DP'],
    ['a long secret', `otpauth://totp/x?secret=${'A'.repeat(129)}`],
    ['a non-Base32 secret', `otpauth://totp/x?secret=${SEED.slice(0, 20)}0189`],
    ['SHA256', `otpauth://totp/x?secret=${SEED}&algorithm=SHA256`],
    ['8 digits', `otpauth://totp/x?secret=${SEED}&digits=8`],
    ['60-second steps', `otpauth://totp/x?secret=${SEED}&period=60`],
    ['an oversized URL', `otpauth://totp/${'x'.repeat(3000)}?secret=${SEED}`],
  ])('refuses %s with a 400 naming secretUrl', (_name, url) => {
    let error: unknown;
    try {
      secretFromUrl(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).field).toEqual({ parameterName: 'secretUrl' });
  });
});
