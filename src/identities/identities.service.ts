import { randomUUID } from 'node:crypto';
import type { FilterQuery } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { checkCredential } from '../access/authorize.js';
import type { Principal } from '../access/principal.js';
import { keyPrincipal } from '../access/principals.js';
import type { Role } from '../access/roles.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/api-error.js';
import { type CollectionQuery, parseFilter, parseSort } from '../common/collection-query.js';
import type { Page } from '../common/envelope.js';
import type { JsonPatch } from '../common/json-patch.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SecretsService } from '../database/secrets.service.js';
import { PermissionCatalogue } from '../permissions/permission-catalogue.js';
import { UsersService } from '../users/users.service.js';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key.js';
import type { ApiKeyPolicyDto } from './dto/api-key-policy.dto.js';
import type { UpdateIdentityDto } from './dto/update-identity.dto.js';
import { IdentitiesRepository } from './identities.repository.js';
import type { Identity } from './identity.entity.js';
import { IDENTITY_PROPERTIES, IDENTITY_QUERY_FIELDS, identityTarget, type IdentityView, toIdentityView } from './identity.mapper.js';
import { checkMintable, type KeyPolicy, policyOf } from './key-policy.js';

/** One value a secret scanner reported, with where it was found. */
export interface LeakedValue {
  token: string;
  type: string;
  url: string;
  source: string;
}

/** The narrowing policy of a key, patchable on API-key identities only. */
const KEY_POLICY_PROPERTIES = ['isReadAccessOnly', 'scopes', 'permissions', 'expirationDate', 'allowedIps', 'pathPrefixes', 'ownObjectsOnly', 'rateLimitPerMinute'] as const;
const KEY_WRITABLE: (keyof IdentityView)[] = ['description', 'status', ...KEY_POLICY_PROPERTIES];
const LOGIN_WRITABLE: (keyof IdentityView)[] = ['description', 'status'];

/** An identity view as the update DTO reads it: "" and 0 mean "none" in the view, absent in the DTO. */
function patchInput(view: IdentityView): Record<string, unknown> {
  return {
    description: view.description,
    status: view.status,
    scopes: view.scopes,
    isReadAccessOnly: view.isReadAccessOnly,
    permissions: view.permissions,
    expirationDate: view.expirationDate === '' ? undefined : view.expirationDate,
    allowedIps: view.allowedIps,
    pathPrefixes: view.pathPrefixes,
    ownObjectsOnly: view.ownObjectsOnly,
    rateLimitPerMinute: view.rateLimitPerMinute === 0 ? undefined : view.rateLimitPerMinute,
  };
}

/**
 * API-key identities and the identities of a user generally: listing, reading, minting, rotating,
 * patching and deleting, each scoped by the caller. Cached principals are evicted by the flush
 * subscriber, not here.
 */
@Injectable()
export class IdentitiesService {
  constructor(
    private readonly identities: IdentitiesRepository,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly catalogue: PermissionCatalogue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The identity as answered, its permissions as they are now (role grants included). */
  view(identity: Identity, key = ''): IdentityView {
    return toIdentityView(identity, this.catalogue.roles, key);
  }

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

  async list(principal: Principal, query: CollectionQuery, userUid?: string): Promise<Page<IdentityView>> {
    const filter = parseFilter<Identity>(query.filter, IDENTITY_QUERY_FIELDS);
    const sort = parseSort<Identity>(query.sort, IDENTITY_QUERY_FIELDS);
    if (userUid) await this.users.get(principal, userUid);
    const [rows, total] = await this.identities.findPage(
      { $and: [this.scope(principal, userUid, 'read'), filter] },
      { orderBy: [...sort, { id: 'asc' }], limit: query.limit, offset: query.offset },
    );
    return { items: rows.map((row) => this.view(row)), total, offset: query.offset };
  }

  async get(principal: Principal, userUid: string, id: number, access: 'read' | 'write' = 'read'): Promise<Identity> {
    const identity = await this.identities.findOne({ $and: [{ id }, this.scope(principal, userUid, access)] });
    if (!identity) throw ApiError.notFound('Identity');
    return identity;
  }

  async createApiKey(principal: Principal, userUid: string, dto: ApiKeyPolicyDto): Promise<{ identity: Identity; key: string }> {
    const owner = await this.users.getManageable(principal, userUid);
    const now = new Date();
    const policy = this.mintable(
      principal,
      owner.role,
      policyOf(dto, { ownObjectsOnly: this.config.keysOwnObjectsDefault, permissions: dto.permissions ?? null }),
      now,
    );
    const key = generateApiKey();
    // The audit entry names the new identity's id, so it follows the insert, in the same transaction.
    return this.identities.transactional(async () => {
      const identity = this.identities.add({
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
      this.identities.addSecret(this.hash(key), identity);
      await this.identities.flush();
      const details = { userUid: identity.user.instanceUid, provider: 'AK', keyPrefix: identity.keyPrefix, scopes: identity.scopes };
      this.audit.recordChange(principal, 'identity.created', identityTarget(identity), details);
      return { identity, key };
    });
  }

  /** New key on the same identity; the old one keeps working until the grace period ends. */
  async rotate(principal: Principal, userUid: string, id: number, gracePeriodSeconds: number): Promise<{ identity: Identity; key: string }> {
    const identity = await this.get(principal, userUid, id, 'write');
    if (identity.provider !== 'AK') throw ApiError.badRequest('Only API key identities can be rotated.');
    const graceEnds = new Date(Date.now() + gracePeriodSeconds * 1000);
    for (const secret of await this.identities.secretsOf(identity)) {
      if (gracePeriodSeconds === 0) this.identities.remove(secret);
      else if (!secret.expiresAt || secret.expiresAt > graceEnds) secret.expiresAt = graceEnds;
    }
    const key = generateApiKey();
    this.identities.addSecret(this.hash(key), identity);
    identity.keyPrefix = displayPrefix(key);
    this.audit.recordChange(principal, 'identity.rotated', identityTarget(identity), { userUid: identity.user.instanceUid, keyPrefix: identity.keyPrefix, gracePeriodSeconds });
    await this.identities.flush();
    return { identity, key };
  }

  async patch(principal: Principal, userUid: string, id: number, patch: JsonPatch<UpdateIdentityDto>): Promise<Identity> {
    const identity = await this.get(principal, userUid, id, 'write');
    const view = this.view(identity);
    const isKey = identity.provider === 'AK';
    const writable = isKey ? KEY_WRITABLE : LOGIN_WRITABLE;
    const rules = { writable, readOnly: IDENTITY_PROPERTIES.filter((name) => !writable.includes(name)) };
    const { value, changed } = patch.applyTo(view, rules, patchInput);
    // The view reports "disabledDueToUser" and the like; only a written status is stored.
    if (changed.has('status')) identity.status = value.status;
    identity.description = value.description;
    if (isKey) Object.assign(identity, this.patchedPolicy(principal, identity, value, changed));
    const after = this.view(identity);
    const fields = (Object.keys(view) as (keyof IdentityView)[]).filter((name) => JSON.stringify(view[name]) !== JSON.stringify(after[name]));
    this.audit.recordChange(principal, 'identity.updated', identityTarget(identity), { userUid: identity.user.instanceUid, changed: fields });
    await this.identities.flush();
    return identity;
  }

  /** Deletes an identity the caller may manage; answers it as it was. */
  async delete(principal: Principal, userUid: string, id: number): Promise<Identity> {
    const identity = await this.get(principal, userUid, id, 'write');
    if (identity.provider === 'VSPC') throw ApiError.badRequest('The password identity cannot be deleted; disable it instead.');
    this.audit.recordChange(principal, 'identity.deleted', identityTarget(identity), { userUid: identity.user.instanceUid, provider: identity.provider, keyPrefix: identity.keyPrefix });
    this.identities.remove(identity);
    await this.identities.flush();
    return identity;
  }

  /** Drops a deleted permission from every key that lists it, in the deletion's unit of work. */
  async forgetPermission(name: string): Promise<void> {
    for (const identity of await this.identities.findListing(name)) {
      identity.permissions = (identity.permissions ?? []).filter((listed) => listed !== name);
    }
  }

  /**
   * Revocation by value (GitHub-style): whoever holds a leaked key may kill it, without learning
   * whether any key existed. Malformed values are ignored without touching the database.
   */
  async revokeByValue(keys: string[], fromAddress: string): Promise<void> {
    const hashes = keys.filter(isWellFormedApiKey).map((key) => this.hash(key));
    if (!hashes.length) return;
    const secrets = await this.identities.findSecrets(hashes);
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
      this.identities.remove(identity);
    }
    await this.identities.flush();
  }

  /**
   * Keys a secret scanner found in public (GitHub's partner format): each one that is a Latchkey
   * key has the report recorded and, if it still worked, is disabled (not deleted, so its owner sees
   * what happened); the change carries the report, from which the `key.leaked` event is made. Answers
   * which values were live keys. Malformed values cost no database access.
   */
  async reportLeaked(reports: LeakedValue[], fromAddress: string): Promise<Set<string>> {
    const wellFormed = reports.filter((report) => isWellFormedApiKey(report.token));
    const live = new Set<string>();
    if (!wellFormed.length) return live;
    const byHash = new Map(wellFormed.map((report) => [this.hash(report.token), report]));
    const now = new Date();
    const seen = new Set<number>();
    for (const secret of await this.identities.findSecrets([...byHash.keys()])) {
      const report = byHash.get(secret.hash) as LeakedValue;
      const identity = secret.identity;
      if (secret.expiresAt && secret.expiresAt <= now) continue;
      const principal = keyPrincipal(identity, this.catalogue.roles);
      if (checkCredential(principal, now).allow) live.add(report.token);
      if (seen.has(identity.id)) continue;
      seen.add(identity.id);
      const wasEnabled = identity.status === 'enabled';
      identity.status = 'disabled';
      identity.leakReport = { reportedAt: now.toISOString(), url: report.url, source: report.source };
      this.audit.record({
        action: 'identity.leaked',
        outcome: 'success',
        targetType: 'identity',
        targetId: identity.id,
        companyUid: identity.user.company.instanceUid,
        fromAddress,
        details: { keyPrefix: identity.keyPrefix, userUid: identity.user.instanceUid, url: report.url, source: report.source, type: report.type, disabled: wasEnabled },
      });
    }
    await this.identities.flush();
    return live;
  }

  /** API keys whose expiration date is after the cursor and at most `until`, in that order. */
  expiringKeys(after: { at: Date; id: number }, until: Date, limit: number): Promise<Identity[]> {
    return this.identities.findExpiring(after, until, limit);
  }

  /** CloudTower-style: the owner (or a manager) deletes a key by its value; others get 404. */
  async deleteByValue(principal: Principal, key: string): Promise<Identity> {
    const [secret] = isWellFormedApiKey(key) ? await this.identities.findSecrets([this.hash(key)]) : [];
    if (!secret) throw ApiError.notFound('API key');
    return this.delete(principal, secret.identity.user.instanceUid, secret.identity.id);
  }

  /** The caller's own API keys, newest first (CloudTower lists its keys this way). */
  async ownKeys(principal: Principal, page: { limit: number; offset: number }): Promise<Identity[]> {
    const [rows] = await this.identities.findPage(
      { $and: [this.scope(principal, principal.userUid, 'read'), { provider: 'AK' }] },
      { orderBy: [{ id: 'desc' }], ...page },
    );
    return rows;
  }

  /**
   * The key policy after a patch, by the same rules as creation; a changed policy must also be
   * one the caller could mint. Unchanged permissions keep "as the user" (null) as it was.
   */
  private patchedPolicy(principal: Principal, identity: Identity, value: UpdateIdentityDto, changed: ReadonlySet<string>): KeyPolicy {
    const permissions = changed.has('permissions') ? (value.permissions ?? null) : (identity.permissions ?? null);
    const policy = policyOf(value, { ownObjectsOnly: identity.ownObjectsOnly, permissions });
    const policyChanged = KEY_POLICY_PROPERTIES.some((name) => changed.has(name));
    return policyChanged ? this.mintable(principal, identity.user.role, policy, new Date()) : policy;
  }

  /** `checkMintable` against the permissions that exist and the owner's role as granted now. */
  private mintable(principal: Principal, ownerRole: Role, policy: KeyPolicy, now: Date): KeyPolicy {
    const roles = this.catalogue.roles;
    const unknown = policy.permissions?.find((name) => !roles.isDefined(name));
    if (unknown) throw ApiError.badRequest(`"${unknown}" is not a permission; GET /api/v3/permissions lists them.`, { propertyName: 'permissions' });
    return checkMintable(principal, roles.of(ownerRole), policy, now, this.config.keysMaxLifetimeDays);
  }

  private hash(key: string): string {
    return hashApiKey(key, this.secrets.get('api-key-hmac'));
  }
}
