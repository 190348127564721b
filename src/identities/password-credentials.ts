import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import type { User } from '../users/user.entity.js';
import { IdentitiesRepository } from './identities.repository.js';
import { type Identity, sessionIdentityDefaults } from './identity.entity.js';

/** argon2id (the package's `argon2id` constant is typed as a plain number). */
const ARGON2_OPTIONS = { type: 2 as const };
/** Hash of a password nobody has, so a login for an unknown user costs as much as a real one. */
const DECOY_HASH = argon2.hash('latchkey-decoy-password', ARGON2_OPTIONS);

/**
 * The password identity (provider VSPC) of a user, hashed with argon2id: the only code that
 * creates, changes or checks one. Changes are staged in the caller's unit of work.
 */
@Injectable()
export class PasswordCredentials {
  constructor(private readonly identities: IdentitiesRepository) {}

  async add(user: User, password: string): Promise<Identity> {
    return this.identities.add({
      user,
      provider: 'VSPC',
      description: 'Password',
      status: 'enabled',
      identifierInProvider: user.userName,
      creationDate: new Date(),
      secret: await argon2.hash(password, ARGON2_OPTIONS),
      ...sessionIdentityDefaults(),
      createdBy: user.createdBy ?? user.instanceUid,
    });
  }

  async set(user: User, password: string): Promise<void> {
    const identity = await this.identities.findOne({ user, provider: 'VSPC' }, true);
    if (identity) identity.secret = await argon2.hash(password, ARGON2_OPTIONS);
    else await this.add(user, password);
  }

  /** Constant-cost check: unknown users and missing identities still pay one argon2 verify. */
  async verify(user: User | null, password: string): Promise<Identity | null> {
    const identity = user ? await this.identities.findOne({ user, provider: 'VSPC' }, true) : null;
    const ok = await argon2.verify(identity?.secret ?? (await DECOY_HASH), password).catch(() => false);
    return ok && identity ? identity : null;
  }
}
