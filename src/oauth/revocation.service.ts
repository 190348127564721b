import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { type RevokedSession, TokenService } from '../auth/token.service.js';
import { looksLikeApiKey } from '../identities/api-key.js';
import { IdentitiesService } from '../identities/identities.service.js';

export const TOKEN_TYPE_HINTS = ['access_token', 'refresh_token', 'api_key'] as const;
export type TokenTypeHint = (typeof TOKEN_TYPE_HINTS)[number];

/**
 * RFC 7009 revocation of whatever token is presented: an API key is deleted (as by the
 * revoke-by-value route), a refresh token's session is ended (its whole family), an access token's
 * session likewise. The hint only decides what is tried first (§2.1: the search then extends to
 * every type). The caller learns nothing about whether anything was revoked.
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly identities: IdentitiesService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
  ) {}

  async revoke(token: string, hint: TokenTypeHint | undefined, fromAddress: string): Promise<void> {
    // A key is recognised by its format whatever the hint says; the others are tried hint first.
    const order: TokenTypeHint[] = looksLikeApiKey(token) ? ['api_key'] : hint === 'access_token' ? ['access_token', 'refresh_token'] : ['refresh_token', 'access_token'];
    for (const type of order) {
      if (type === 'api_key') {
        await this.identities.revokeByValue([token], fromAddress);
        return;
      }
      const session = type === 'refresh_token' ? await this.tokens.revokeRefreshToken(token) : await this.tokens.revokeAccessToken(token);
      if (session) {
        this.record(session, type, fromAddress);
        return;
      }
    }
  }

  private record({ user, familyId }: RevokedSession, type: TokenTypeHint, fromAddress: string): void {
    this.audit.defer({
      action: 'token.revoked',
      outcome: 'success',
      actor: { userUid: user.instanceUid, userName: user.userName, identityId: null },
      targetType: 'user',
      targetId: user.instanceUid,
      companyUid: user.company.instanceUid,
      fromAddress,
      details: { tokenType: type, session: familyId },
    });
  }
}
