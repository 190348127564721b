import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Principal } from '../access/principal.js';
import { sessionPrincipal } from '../access/principals.js';
import { OAuthError } from '../common/api-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SecretsService } from '../database/secrets.service.js';
import { PermissionCatalogue } from '../permissions/permission-catalogue.js';
import { PasswordCredentials } from '../identities/password-credentials.js';
import { TotpService } from '../identities/totp/totp.service.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { TokenResponse } from './dto/token-request.dto.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/** Short-lived proof that the password step succeeded, exchanged with a code in the mfa grant. */
interface MfaClaims {
  sub: string;
  ro: boolean;
  purpose: 'mfa';
}

const MFA_TOKEN_TTL_SECONDS = 300;

interface AccessClaims {
  sub: string;
  ro: boolean;
  /** Issue time in milliseconds, compared with the user's sessionsValidAfter. */
  iat_ms: number;
  /** The refresh-token family (the session) it belongs to: revoking the family ends it. */
  fam?: string;
}

/** A session ended by revocation: whose, for the audit. */
export interface RevokedSession {
  user: User;
  familyId: string;
}

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const invalidGrant = (text = 'The credentials are invalid.') => new OAuthError('invalid_grant', text);

@Injectable()
export class TokenService {
  constructor(
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly jwt: JwtService,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
    private readonly passwords: PasswordCredentials,
    private readonly totp: TotpService,
    private readonly rateLimits: RateLimitsService,
    private readonly catalogue: PermissionCatalogue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Password step; a user with a second factor gets an `mfa_token` instead of tokens. */
  async passwordGrant(login: string, password: string, readOnly: boolean): Promise<{ user: User; tokens: TokenResponse | { mfa_token: string } }> {
    const user = await this.users.findForLogin(login);
    const identity = await this.passwords.verify(user, password);
    if (!user || !identity) throw invalidGrant('The username or password is incorrect.');
    this.assertCanLogIn(user);
    if (identity.status !== 'enabled') throw invalidGrant('Password login is disabled for this user.');
    if (await this.totp.hasSecondFactor(user)) {
      const claims: MfaClaims = { sub: user.instanceUid, ro: readOnly, purpose: 'mfa' };
      const mfaToken = await this.jwt.signAsync(claims, { secret: this.mfaSecret(), algorithm: 'HS256', expiresIn: MFA_TOKEN_TTL_SECONDS });
      return { user, tokens: { mfa_token: mfaToken } };
    }
    return { user, tokens: await this.issue(user, randomUUID(), readOnly) };
  }

  /** Second step: the mfa_token from the password step and a current, unused TOTP code. */
  async mfaGrant(mfaToken: string, code: string): Promise<{ user: User; tokens: TokenResponse }> {
    let claims: MfaClaims;
    try {
      claims = await this.jwt.verifyAsync<MfaClaims>(mfaToken, { secret: this.mfaSecret(), algorithms: ['HS256'] });
    } catch {
      throw invalidGrant('The mfa_token is invalid or expired.');
    }
    if (claims.purpose !== 'mfa') throw invalidGrant('The mfa_token is invalid or expired.');
    const user = await this.users.findByUid(claims.sub);
    if (!user) throw invalidGrant('The mfa_token is invalid or expired.');
    this.assertCanLogIn(user);
    const wait = await this.rateLimits.codeBlocked(user.instanceUid);
    if (wait !== undefined) throw new OAuthError('slow_down', 'Too many wrong codes; try again later.', 429, wait);
    if (!(await this.totp.verifyLogin(user, code))) {
      await this.rateLimits.codeFailed(user.instanceUid);
      throw invalidGrant('The code is not valid, or was already used.');
    }
    return { user, tokens: await this.issue(user, randomUUID(), claims.ro === true) };
  }

  /** Distinct from the access-token key, so an mfa_token can never pass as an access token. */
  private mfaSecret(): Buffer {
    return Buffer.concat([this.secrets.get('token-signing'), Buffer.from(':mfa')]);
  }

  /** Rotation with reuse detection: presenting a spent token revokes its whole family. */
  async refreshGrant(token: string): Promise<{ user: User; tokens: TokenResponse }> {
    const hash = sha256(token);
    const row = await this.refreshTokens.findByHash(hash);
    if (!row) throw invalidGrant('The refresh token is invalid.');
    const now = new Date();
    if (row.revokedAt) throw invalidGrant('The refresh token was revoked.');
    if (!(await this.refreshTokens.claim(hash, now))) {
      await this.refreshTokens.revokeFamily(row.familyId, now);
      throw invalidGrant('The refresh token was already used; its session is revoked.');
    }
    if (row.expiresAt <= now) throw invalidGrant('The refresh token has expired.');
    this.assertCanLogIn(row.user);
    return { user: row.user, tokens: await this.issue(row.user, row.familyId, row.readOnly) };
  }

  async revokeAll(user: User): Promise<void> {
    await this.refreshTokens.revokeAllOf(user.instanceUid, new Date());
  }

  /** RFC 7009 for a refresh token: its whole family (the session) is revoked. Null when it is not one of ours. */
  async revokeRefreshToken(token: string): Promise<RevokedSession | null> {
    if (token.length > 256) return null;
    const row = await this.refreshTokens.findByHash(sha256(token));
    if (!row) return null;
    await this.refreshTokens.revokeFamily(row.familyId, new Date());
    return { user: row.user, familyId: row.familyId };
  }

  /**
   * RFC 7009 for an access token: the session it belongs to is revoked, which ends it and every
   * other access and refresh token of that session. An expired token still names its session.
   */
  async revokeAccessToken(token: string): Promise<RevokedSession | null> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { secret: this.secrets.get('token-signing'), algorithms: ['HS256'], ignoreExpiration: true });
    } catch {
      return null;
    }
    if (typeof claims.fam !== 'string') return null;
    const member = await this.refreshTokens.findInFamily(claims.fam);
    if (!member || member.user.instanceUid !== claims.sub) return null;
    await this.refreshTokens.revokeFamily(claims.fam, new Date());
    return { user: member.user, familyId: claims.fam };
  }

  /** Access token → principal; null when invalid, expired, or issued before a session revocation. */
  async verifyAccessToken(token: string): Promise<Principal | null> {
    let claims: AccessClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessClaims>(token, { secret: this.secrets.get('token-signing'), algorithms: ['HS256'] });
    } catch {
      return null;
    }
    const user = await this.users.findByUid(claims.sub);
    if (!user || user.isService) return null;
    if (user.sessionsValidAfter && claims.iat_ms < user.sessionsValidAfter.getTime()) return null;
    // A revoked session (revocation, or reuse of a spent refresh token) ends its access tokens too.
    if (typeof claims.fam === 'string' && (await this.refreshTokens.familyRevoked(claims.fam))) return null;
    return sessionPrincipal(user, claims.ro === true, this.catalogue.roles);
  }

  private assertCanLogIn(user: User): void {
    if (user.isService) throw invalidGrant('Service users cannot log in with a password; use an API key.');
    if (user.status !== 'Enabled') throw invalidGrant('The user is disabled.');
    if (user.company.status !== 'Active') throw invalidGrant("The user's company is disabled.");
  }

  private async issue(user: User, familyId: string, readOnly: boolean): Promise<TokenResponse> {
    const now = new Date();
    const claims: AccessClaims = { sub: user.instanceUid, ro: readOnly, iat_ms: now.getTime(), fam: familyId };
    const accessToken = await this.jwt.signAsync(claims, {
      secret: this.secrets.get('token-signing'),
      algorithm: 'HS256',
      expiresIn: this.config.accessTokenTtlSeconds,
    });
    const refreshToken = randomBytes(32).toString('base64url');
    this.refreshTokens.add({
      tokenHash: sha256(refreshToken),
      familyId,
      user,
      readOnly,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.refreshTokenTtlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
    });
    await this.refreshTokens.flush();
    return { access_token: accessToken, token_type: 'bearer', expires_in: this.config.accessTokenTtlSeconds, refresh_token: refreshToken };
  }
}
