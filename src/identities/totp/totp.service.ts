import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Principal } from '../../access/principal.js';
import { AuditService } from '../../audit/audit.service.js';
import { ApiError } from '../../common/api-error.js';
import { SecretsService } from '../../database/secrets.service.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import { IdentitiesRepository } from '../identities.repository.js';
import { type Identity, sessionIdentityDefaults } from '../identity.entity.js';
import { identityTarget } from '../identity.mapper.js';
import { seal, unseal } from '../../database/secret-box.js';
import { secretFromUrl } from './secret-url.js';
import type { AddTotpLoginQuery } from './totp.dto.js';

const ISSUER = 'Latchkey';
/** Accept the previous and next 30-second step too, for clock drift. */
const TOLERANCE_SECONDS = 30;

/**
 * TOTP second-factor identities (provider TOTP), VSPC's way: a secret is handed out unstored, and
 * one call with a valid code for it creates the enabled identity holding the sealed seed. Each code
 * is accepted once: the last accepted time step is stored and later codes must come from a later step.
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** A fresh seed and its otpauth URL for the caller; nothing is stored until `add` proves it. */
  newSecret(principal: Principal): { secret: string; secretUrl: string } {
    const secret = generateSecret();
    return { secret, secretUrl: generateURI({ issuer: ISSUER, label: principal.userName, secret }) };
  }

  /**
   * Enables a second factor in one step (VSPC `AddTotpLogin`): the code must be valid for the seed
   * in `secretUrl`, which is then kept sealed. Only for oneself; one enabled factor at a time.
   */
  async add(principal: Principal, userUid: string, input: AddTotpLoginQuery): Promise<Identity> {
    if (userUid !== principal.userUid) throw ApiError.notFound('User');
    const seed = secretFromUrl(input.secretUrl);
    const user = await this.users.getManageable(principal, userUid);
    if (user.isService) throw ApiError.badRequest('Service users cannot log in, so they have no second factor.');
    const existing = await this.identities.find({ user, provider: 'TOTP' });
    if (existing.some((identity) => identity.status === 'enabled')) {
      throw ApiError.conflict('A second factor is already enabled; delete it before adding another.');
    }
    const timeStep = await this.firstStep(seed, input.code);
    if (timeStep === null) throw ApiError.badRequest('The code is not valid for this secret.', { parameterName: 'code' });
    // As for API keys: the audit entry names the new identity's id, so it follows the insert,
    // in the same transaction. Factors that were never confirmed (or were disabled) are replaced.
    return this.identities.transactional(async () => {
      existing.forEach((stale) => this.identities.remove(stale));
      const created = this.identities.add({
        user,
        provider: 'TOTP',
        description: input.description,
        status: 'enabled',
        identifierInProvider: randomUUID(),
        creationDate: new Date(),
        secret: seal(seed, this.key()),
        ...sessionIdentityDefaults(),
        scopes: input.scopes,
        // The code that proved the app cannot be used again to sign in.
        otpLastTimeStep: timeStep,
        createdBy: principal.userUid,
      });
      await this.identities.flush();
      this.audit.recordChange(principal, 'identity.totpEnabled', identityTarget(created), { userUid: user.instanceUid });
      return created;
    });
  }

  /** The time step of a valid code for a seed not stored yet, or null. */
  private async firstStep(seed: string, code: string): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    const result = await verify({ secret: seed, token: code, epochTolerance: TOLERANCE_SECONDS }).catch(() => ({ valid: false as const }));
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  async hasSecondFactor(user: User): Promise<boolean> {
    return (await this.identities.count({ user, provider: 'TOTP', status: 'enabled' })) > 0;
  }

  /** Which of these users (a page at most) have an enabled second factor, in one query. */
  async usersWithSecondFactor(users: readonly User[]): Promise<Set<string>> {
    if (!users.length) return new Set();
    const found = await this.identities.find({ user: { $in: users.map((user) => user.instanceUid) }, provider: 'TOTP', status: 'enabled' });
    return new Set(found.map((identity) => identity.user.instanceUid));
  }

  /** Check a login code: valid, unused, and consumed atomically so a replay in the same window fails. */
  async verifyLogin(user: User, code: string): Promise<boolean> {
    const identity = await this.identities.findOne({ user, provider: 'TOTP', status: 'enabled' }, true);
    return identity ? this.checkCode(identity, code) : false;
  }

  private async checkCode(identity: Identity, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code) || !identity.secret) return false;
    const result = await verify({
      secret: unseal(identity.secret, this.key()),
      token: code,
      epochTolerance: TOLERANCE_SECONDS,
      afterTimeStep: identity.otpLastTimeStep ?? undefined,
    }).catch(() => ({ valid: false as const }));
    if (!result.valid || !('timeStep' in result)) return false;
    if (!(await this.identities.claimTimeStep(identity.id, identity.otpLastTimeStep ?? null, result.timeStep, new Date()))) return false;
    identity.otpLastTimeStep = result.timeStep;
    return true;
  }

  private key(): Buffer {
    return this.secrets.get('totp-encryption');
  }
}
