import { randomUUID } from 'node:crypto';
import { EntityManager, type FilterQuery } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import type { Page } from '../common/envelope.js';
import { applyJsonPatch } from '../common/json-patch.js';
import { applySelect, CollectionQuery, parseFilter, parseSelect, parseSort } from '../common/collection-query.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SecretsService } from '../database/secrets.service.js';
import { UsersService } from '../users/users.service.js';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key.js';
import { ApiKeySecret } from './api-key-secret.entity.js';
import { ApiKeyPolicyDto, parseApiKeyPolicy } from './dto/api-key-policy.dto.js';
import { IDENTITY_STATUSES, Identity } from './identity.entity.js';
import { IDENTITY_PROPERTIES, IDENTITY_QUERY_FIELDS, identityTarget, toIdentityView, type IdentityView } from './identity.mapper.js';
import { checkMintable, type KeyPolicy, policyOf } from './key-policy.js';
import { AuditService } from '../audit/audit.service.js';
import { CredentialEvents } from '../common/credential-events.js';

const POPULATE = ['user', 'user.company'] as const;
/** The narrowing policy of a key, patchable on API-key identities only. */
const KEY_POLICY_PROPERTIES = ['isReadAccessOnly', 'scopes', 'permissions', 'expirationDate', 'allowedIps', 'pathPrefixes', 'ownObjectsOnly', 'rateLimitPerMinute'] as const;

@Injectable()
export class IdentitiesService {
  constructor(
    private readonly em: EntityManager,
    private readonly secrets: SecretsService,
    private readonly events: CredentialEvents,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Identities the caller may read (of users it may see) or change (of users it may manage);
   * own-objects keys are further limited to identities they created or their user holds.
   */
  private scope(principal: Principal, userUid?: string, access: 'read' | 'write' = 'write'): FilterQuery<Identity> {
    const users = access === 'read' ? this.users.visibleUsers(principal) : this.users.manageableUsers(principal);
    const byUser: FilterQuery<Identity> = userUid ? { user: { $and: [users, { instanceUid: userUid }] } } : { user: users };
    if (!principal.ownObjectsOnly) return byUser;
    return { $and: [byUser, { $or: [{ createdBy: principal.userUid }, { user: principal.userUid }] }] };
  }

  async list(principal: Principal, query: CollectionQuery, userUid?: string): Promise<Page<Partial<IdentityView>>> {
    const filter = parseFilter<Identity>(query.filter, IDENTITY_QUERY_FIELDS);
    const sort = parseSort<Identity>(query.sort, IDENTITY_QUERY_FIELDS);
    const select = parseSelect(query.select, IDENTITY_PROPERTIES);
    if (userUid) await this.users.get(principal, userUid);
    const [rows, total] = await this.em.findAndCount(Identity, { $and: [this.scope(principal, userUid, 'read'), filter] }, {
      populate: POPULATE,
      orderBy: [...sort, { id: 'asc' }],
      limit: query.limit,
      offset: query.offset,
    });
    return { items: applySelect(rows.map((row) => toIdentityView(row)), select), total, offset: query.offset };
  }

  async get(principal: Principal, userUid: string, id: number, access: 'read' | 'write' = 'read'): Promise<Identity> {
    const identity = await this.em.findOne(Identity, { $and: [{ id }, this.scope(principal, userUid, access)] }, { populate: POPULATE });
    if (!identity) throw ApiError.notFound('Identity');
    return identity;
  }

  async createApiKey(principal: Principal, userUid: string, dto: ApiKeyPolicyDto): Promise<{ identity: Identity; key: string }> {
    const owner = await this.users.getManageable(principal, userUid);
    const now = new Date();
    const policy = checkMintable(
      principal,
      owner.role,
      policyOf(dto, { ownObjectsOnly: this.config.keysOwnObjectsDefault, permissions: dto.permissions ?? null }),
      now,
      this.config.keysMaxLifetimeDays,
    );
    const key = generateApiKey();
    return this.em.transactional(async (em) => {
      const identity = em.create(Identity, {
        user: owner,
        provider: 'AK',
        description: dto.description,
        status: 'enabled',
        identifierInProvider: randomUUID(),
        creationDate: now,
        keyPrefix: displayPrefix(key),
        createdBy: principal.userUid,
        secret: null,
        lastUsedAt: null,
        ...policy,
      });
      em.create(ApiKeySecret, { hash: this.hash(key), identity, expiresAt: null });
      await em.flush();
      // The entry names the new identity's id, so it is written after the insert, in the same transaction.
      this.audit.recordChange(principal, 'identity.created', identityTarget(identity), { userUid: identity.user.instanceUid, provider: 'AK', keyPrefix: identity.keyPrefix, scopes: identity.scopes }, em);
      return { identity, key };
    });
  }

  /** New key on the same identity; the old one keeps working until the grace period ends. */
  async rotate(principal: Principal, userUid: string, id: number, gracePeriodSeconds: number): Promise<{ identity: Identity; key: string }> {
    const identity = await this.requireApiKey(principal, userUid, id);
    if (principal.readOnly) throw ApiError.forbidden('A read-only credential cannot rotate keys.');
    const now = new Date();
    const graceEnds = new Date(now.getTime() + gracePeriodSeconds * 1000);
    const current = await this.em.find(ApiKeySecret, { identity });
    for (const secret of current) {
      if (gracePeriodSeconds === 0) this.em.remove(secret);
      else if (!secret.expiresAt || secret.expiresAt > graceEnds) secret.expiresAt = graceEnds;
    }
    const key = generateApiKey();
    this.em.create(ApiKeySecret, { hash: this.hash(key), identity, expiresAt: null });
    identity.keyPrefix = displayPrefix(key);
    this.audit.recordChange(principal, 'identity.rotated', identityTarget(identity), { userUid: identity.user.instanceUid, keyPrefix: identity.keyPrefix, gracePeriodSeconds });
    await this.em.flush();
    this.events.identitiesChanged([identity.id]);
    return { identity, key };
  }

  async patch(principal: Principal, userUid: string, id: number, patch: unknown): Promise<Identity> {
    const identity = await this.get(principal, userUid, id, 'write');
    const view = toIdentityView(identity);
    const isKey = identity.provider === 'AK';
    const writable: (keyof IdentityView)[] = isKey ? ['description', 'status', ...KEY_POLICY_PROPERTIES] : ['description', 'status'];
    const next = applyJsonPatch(view, patch, { writable, readOnly: IDENTITY_PROPERTIES.filter((name) => !writable.includes(name)) });
    if (typeof next.description !== 'string' || !/^[^<>=]{1,128}$/.test(next.description)) {
      throw ApiError.badRequest('description must be 1-128 characters without <, > or =.', { propertyName: 'description' });
    }
    if (next.status !== view.status) {
      if (!(IDENTITY_STATUSES as readonly string[]).includes(next.status)) {
        throw ApiError.badRequest('status may only be set to enabled or disabled.', { propertyName: 'status' });
      }
      identity.status = next.status as 'enabled' | 'disabled';
    }
    identity.description = next.description;
    if (isKey) Object.assign(identity, this.patchedPolicy(principal, identity, view, next));
    const changed = Object.keys(view).filter((name) => JSON.stringify(view[name as keyof IdentityView]) !== JSON.stringify(toIdentityView(identity)[name as keyof IdentityView]));
    this.audit.recordChange(principal, 'identity.updated', identityTarget(identity), { userUid: identity.user.instanceUid, changed });
    await this.em.flush();
    this.events.identitiesChanged([identity.id]);
    return identity;
  }

  async delete(principal: Principal, userUid: string, id: number): Promise<void> {
    const identity = await this.get(principal, userUid, id, 'write');
    if (identity.provider === 'VSPC') throw ApiError.badRequest('The password identity cannot be deleted; disable it instead.');
    this.audit.recordChange(principal, 'identity.deleted', identityTarget(identity), { userUid: identity.user.instanceUid, provider: identity.provider, keyPrefix: identity.keyPrefix });
    await this.em.remove(identity).flush();
    this.events.identitiesChanged([identity.id]);
  }

  /**
   * Revocation by value (GitHub-style): whoever holds a leaked key may kill it, without learning
   * whether any key existed. Malformed values are ignored without touching the database.
   */
  async revokeByValue(keys: string[], fromAddress: string): Promise<void> {
    const hashes = keys.filter(isWellFormedApiKey).map((key) => this.hash(key));
    if (!hashes.length) return;
    const secrets = await this.em.find(ApiKeySecret, { hash: { $in: hashes } }, { populate: ['identity', 'identity.user', 'identity.user.company'] });
    const identities = [...new Map(secrets.map((secret) => [secret.identity.id, secret.identity])).values()];
    for (const identity of identities) {
      this.audit.record({
        action: 'identity.revokedByValue',
        outcome: 'success',
        targetType: 'identity',
        targetId: identity.id,
        companyUid: identity.user.company.instanceUid,
        fromAddress,
        details: { keyPrefix: identity.keyPrefix, userUid: identity.user.instanceUid },
      });
      this.em.remove(identity);
    }
    await this.em.flush();
    this.events.identitiesChanged(identities.map((identity) => identity.id));
  }

  /** CloudTower-style: the owner (or a manager) deletes a key by its value; others get 404. */
  async deleteByValue(principal: Principal, key: string): Promise<void> {
    const secret = isWellFormedApiKey(key) ? await this.em.findOne(ApiKeySecret, { hash: this.hash(key) }, { populate: ['identity', 'identity.user'] }) : null;
    if (!secret) throw ApiError.notFound('API key');
    await this.delete(principal, secret.identity.user.instanceUid, secret.identity.id);
  }

  private async requireApiKey(principal: Principal, userUid: string, id: number): Promise<Identity> {
    const identity = await this.get(principal, userUid, id, 'write');
    if (identity.provider !== 'AK') throw ApiError.badRequest('Only API key identities can be rotated.');
    return identity;
  }

  /**
   * The key policy after a patch, validated by the same rules as creation; a changed policy must
   * also be one the caller could mint. Unchanged permissions keep "as the user" (null) as it was.
   */
  private patchedPolicy(principal: Principal, identity: Identity, before: IdentityView, next: IdentityView): KeyPolicy {
    const dto = parseApiKeyPolicy({}, {
      description: next.description,
      scopes: next.scopes,
      isReadAccessOnly: next.isReadAccessOnly,
      permissions: next.permissions,
      expirationDate: next.expirationDate === '' ? undefined : next.expirationDate,
      allowedIps: next.allowedIps,
      pathPrefixes: next.pathPrefixes,
      ownObjectsOnly: next.ownObjectsOnly,
      rateLimitPerMinute: next.rateLimitPerMinute === 0 ? undefined : next.rateLimitPerMinute,
    });
    const permissionsChanged = JSON.stringify(next.permissions) !== JSON.stringify(before.permissions);
    const policy = policyOf(dto, { ownObjectsOnly: identity.ownObjectsOnly, permissions: permissionsChanged ? (dto.permissions ?? null) : (identity.permissions ?? null) });
    const unchanged = (KEY_POLICY_PROPERTIES as readonly (keyof IdentityView)[]).every((name) => JSON.stringify(before[name]) === JSON.stringify(next[name]));
    return unchanged ? policy : checkMintable(principal, identity.user.role, policy, new Date(), this.config.keysMaxLifetimeDays);
  }


  private hash(key: string): string {
    return hashApiKey(key, this.secrets.get('api-key-hmac'));
  }
}
