import { Body, Controller, Delete, Header, HttpCode, Ip, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { OAuthError } from '../common/api-error.js';
import { one } from '../common/envelope.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { Access, Public } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { TokenRequest, TokenResponse } from './dto/token-request.dto.js';
import type { Principal } from '../access/principal.js';
import { TokenService } from './token.service.js';
import { ApiData } from '../common/openapi.js';
import { ApiTokenEndpoint } from './dto/token.openapi.js';

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
    private readonly audit: AuditService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  /** OAuth2-style token endpoint (form-urlencoded or JSON); answers a bare object, not the envelope. */
  @Post('token')
  @ApiTokenEndpoint()
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async token(@Body() raw: unknown, @Ip() ip: string): Promise<TokenResponse | { mfa_token: string }> {
    const body = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as TokenRequest;
    const grant = typeof body.grant_type === 'string' ? body.grant_type.slice(0, 32) : '';
    const username = typeof body.username === 'string' ? body.username.slice(0, 128) : '';
    if (grant === 'password') {
      const wait = await this.rateLimits.loginBlocked(ip, username);
      if (wait !== undefined) throw new OAuthError('slow_down', 'Too many failed logins; try again later.', 429, wait);
    }
    try {
      const { user, tokens } = await this.grant(body);
      this.audit.defer({
        action: grant === 'refresh_token' ? 'token.refreshed' : 'mfa_token' in tokens ? 'login.passwordAccepted' : 'login.succeeded',
        outcome: 'success',
        actor: { userUid: user.instanceUid, userName: user.userName, identityId: null },
        targetType: 'user',
        targetId: user.instanceUid,
        companyUid: user.company.instanceUid,
        fromAddress: ip,
        details: { grant },
      });
      return tokens;
    } catch (error) {
      if (error instanceof OAuthError) {
        if (grant === 'password' && error.error === 'invalid_grant') await this.rateLimits.loginFailed(ip, username);
        this.audit.defer({ action: 'login.failed', outcome: 'failure', fromAddress: ip, details: { grant, username, error: error.error } });
      }
      throw error;
    }
  }

  private async grant(body: TokenRequest): Promise<{ user: User; tokens: TokenResponse | { mfa_token: string } }> {
    switch (body.grant_type) {
      case 'password': {
        const readOnly = body.readOnly === true || body.readOnly === 'true';
        return this.tokens.passwordGrant(field(body, 'username'), field(body, 'password'), readOnly);
      }
      case 'refresh_token':
        return this.tokens.refreshGrant(field(body, 'refresh_token'));
      case 'mfa':
        return this.tokens.mfaGrant(field(body, 'mfa_token'), field(body, 'mfa_code'));
      case undefined:
        throw new OAuthError('invalid_request', 'The "grant_type" parameter is required.');
      default:
        throw new OAuthError('unsupported_grant_type', 'grant_type must be password, refresh_token or mfa.');
    }
  }

  /** End every session of a user: access tokens issued so far and all refresh tokens. */
  @Delete('users/:userUid/tokens')
  @ApiData(Boolean)
  @Access()
  async revoke(@CurrentPrincipal() principal: Principal, @Param('userUid', ParseUUIDPipe) uid: string) {
    const user = await this.users.endSessions(principal, uid);
    await this.tokens.revokeAll(user);
    return one(true);
  }
}
