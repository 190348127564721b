import { Body, Controller, Delete, Header, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { OAuthError } from '../common/api-error.js';
import { one } from '../common/envelope.js';
import { UsersService } from '../users/users.service.js';
import { Access, Public } from './access.decorator.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { TokenRequest, TokenResponse } from './dto/token-request.dto.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';

function field(body: TokenRequest, name: keyof TokenRequest): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096) {
    throw new OAuthError('invalid_request', `The "${name}" parameter is required.`);
  }
  return value;
}

@Controller()
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  /** OAuth2-style token endpoint (form-urlencoded or JSON); answers a bare object, not the envelope. */
  @Post('token')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async token(@Body() raw: unknown): Promise<TokenResponse | { mfa_token: string }> {
    const body = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as TokenRequest;
    switch (body.grant_type) {
      case 'password': {
        const readOnly = body.readOnly === true || body.readOnly === 'true';
        return (await this.tokens.passwordGrant(field(body, 'username'), field(body, 'password'), readOnly)).tokens;
      }
      case 'refresh_token':
        return (await this.tokens.refreshGrant(field(body, 'refresh_token'))).tokens;
      case undefined:
        throw new OAuthError('invalid_request', 'The "grant_type" parameter is required.');
      default:
        throw new OAuthError('unsupported_grant_type', 'grant_type must be password, refresh_token or mfa.');
    }
  }

  /** End every session of a user: access tokens issued so far and all refresh tokens. */
  @Delete('users/:userUid/tokens')
  @Access()
  async revoke(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string) {
    const user = await this.users.endSessions(principal, uid);
    await this.tokens.revokeAll(user);
    return one(true);
  }
}
