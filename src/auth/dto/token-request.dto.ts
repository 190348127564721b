/** `POST /token` form or JSON fields; checked by hand so errors come out in RFC 6749 form. */
export interface TokenRequest {
  grant_type?: unknown;
  username?: unknown;
  password?: unknown;
  readOnly?: unknown;
  refresh_token?: unknown;
  mfa_token?: unknown;
  mfa_code?: unknown;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
}
