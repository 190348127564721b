import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeyVerifier } from '../../identities/api-key-verifier.js';
import type { Principal } from '../../access/principal.js';

/** `X-API-KEY: <key>` (SimpleVM). */
@Injectable()
export class ApiKeyHeaderStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key-header') {
  constructor(private readonly keys: ApiKeyVerifier) {
    super({ header: 'X-API-KEY', prefix: '' }, false);
  }

  async validate(apiKey: string): Promise<Principal | null> {
    return typeof apiKey === 'string' ? this.keys.verify(apiKey) : null;
  }
}
