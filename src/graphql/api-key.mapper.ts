import type { Identity } from '../identities/identity.entity.js';
import type { IdentityView } from '../identities/identity.mapper.js';
import { type ApiKeyModel, roleId } from './api-key.model.js';

/** An API-key identity (and its REST view) as CloudTower's `ApiKey`; `key` only when it was just minted. */
export function toApiKey(identity: Identity, view: IdentityView, key: string | null = null): ApiKeyModel {
  const role = identity.user.role;
  return {
    id: String(view.id),
    name: view.description,
    key,
    keyPrefix: view.keyPrefix,
    roles: [{ id: roleId(role), preset: role }],
    status: view.status,
    isReadAccessOnly: view.isReadAccessOnly,
    createdAt: view.creationDate,
    lastUsedAt: view.lastUsedAt === '' ? null : view.lastUsedAt,
  };
}
