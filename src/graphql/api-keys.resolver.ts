import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { IdentitiesService } from '../identities/identities.service.js';
import { toApiKey } from './api-key.mapper.js';
import { ApiKeyCreateInput, ApiKeyModel, ApiKeyPageInput, ApiKeyWhereUniqueInput } from './api-key.model.js';

/**
 * SmartX CloudTower's key flow over GraphQL: the same guard, rules, services and audit as the
 * REST routes (`@Access` is read by the one global guard; a query counts as a read, a mutation as
 * a write, so read-only credentials cannot mutate).
 */
@Resolver(() => ApiKeyModel)
export class ApiKeysResolver {
  constructor(private readonly identities: IdentitiesService) {}

  @Query(() => [ApiKeyModel], { description: "The caller's own API keys, newest first." })
  @Access({ permission: 'identities:read' })
  async apiKeys(
    @CurrentPrincipal() principal: Principal,
    @Args('page', { type: () => ApiKeyPageInput, nullable: true }) page?: ApiKeyPageInput,
  ): Promise<ApiKeyModel[]> {
    const rows = await this.identities.ownKeys(principal, { limit: page?.limit ?? 100, offset: page?.offset ?? 0 });
    return rows.map((identity) => toApiKey(identity, this.identities.view(identity)));
  }

  /** A key for the caller, acting as the caller, on the REST surface; the key is in `key`, shown once. */
  @Mutation(() => ApiKeyModel)
  @Access({ permission: 'identities:write' })
  async createApiKey(@CurrentPrincipal() principal: Principal, @Args('data', { type: () => ApiKeyCreateInput }) data: ApiKeyCreateInput): Promise<ApiKeyModel> {
    const { identity, key } = await this.identities.createApiKey(principal, principal.userUid, { description: data.name, scopes: ['rest'] });
    return toApiKey(identity, this.identities.view(identity), key);
  }

  /** Delete a key the caller may manage, naming it by its value. */
  @Mutation(() => ApiKeyModel)
  @Access({ permission: 'identities:write' })
  async deleteApiKey(@CurrentPrincipal() principal: Principal, @Args('where', { type: () => ApiKeyWhereUniqueInput }) where: ApiKeyWhereUniqueInput): Promise<ApiKeyModel> {
    const deleted = await this.identities.deleteByValue(principal, where.key);
    return toApiKey(deleted, this.identities.view(deleted));
  }
}
