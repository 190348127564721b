import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { looksLikeApiKey } from '../../identities/api-key.js';
import { ApiKeyVerifier } from '../../identities/api-key-verifier.js';
import type { Principal } from '../../access/principal.js';
import { TokenService } from '../token.service.js';

/**
 * `Authorization: Bearer <access token | API key>` (told apart by the key's prefix) and the raw
 * CloudTower form `Authorization: <API key>`. No package covers the raw form, so one small strategy.
 */
@Injectable()
export class AuthorizationHeaderStrategy extends PassportStrategy(Strategy, 'authorization') {
  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly tokens: TokenService,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (typeof header !== 'string') return null;
    const bearer = /^Bearer +(\S+)$/i.exec(header);
    if (bearer) {
      const credential = bearer[1];
      return looksLikeApiKey(credential) ? this.keys.verify(credential) : this.tokens.verifyAccessToken(credential);
    }
    const raw = header.trim();
    return looksLikeApiKey(raw) ? this.keys.verify(raw) : null;
  }
}
