import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';
import { looksLikeApiKey } from '../../identities/api-key.js';
import { ApiKeyVerifier } from '../../identities/api-key-verifier.js';
import type { Principal } from '../../access/principal.js';
import { TokenService } from '../token.service.js';

/** A JWT's three base64url parts, of a sane length: anything else is not looked at as a token. */
const ACCESS_TOKEN = /^[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{1,1024}$/;

/**
 * `Authorization: Bearer <access token | API key>` (told apart by the key's prefix) and the raw
 * CloudTower form `Authorization: <access token | API key>`, the same credentials without the
 * scheme. No package covers the raw form, so one small strategy.
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
    const credential = bearer ? bearer[1] : header.trim();
    if (looksLikeApiKey(credential)) return this.keys.verify(credential);
    return ACCESS_TOKEN.test(credential) ? this.tokens.verifyAccessToken(credential) : null;
  }
}
