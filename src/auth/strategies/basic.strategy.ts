import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy as HttpBasicStrategy } from 'passport-http';
import { ApiKeyVerifier } from '../../identities/api-key-verifier.js';
import type { Principal } from '../../access/principal.js';

/** HTTP Basic with the API key as the password and any username (Haplo). */
@Injectable()
export class BasicStrategy extends PassportStrategy(HttpBasicStrategy, 'basic') {
  constructor(private readonly keys: ApiKeyVerifier) {
    super();
  }

  async validate(_username: string, password: string): Promise<Principal | null> {
    return this.keys.verify(password);
  }
}
