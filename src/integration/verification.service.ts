import { Injectable } from '@nestjs/common';
import type { AccessRule, Principal } from '../access/principal.js';
import { isProviderRole } from '../access/roles.js';
import { AccessPolicy } from '../auth/access-policy.js';
import { AuthEvents } from '../auth/auth-events.js';
import { CompaniesService } from '../companies/companies.service.js';
import { ApiKeyVerifier } from '../identities/api-key-verifier.js';
import type { VerifyRequestDto } from './dto/verify.dto.js';
import { NOT_FOUND, refusalOf, validAnswer, type VerifyAnswer } from './verify-answer.js';

/**
 * What a resource server's request is held to: the REST surface (a key minted for the console or
 * for integrations only is not accepted by resource servers), objects the resource server filters
 * itself (`ownObjectsOnly` is reported, not refused).
 */
const RESOURCE_SERVER_RULE: AccessRule = { surface: 'rest', ownable: true };

/**
 * The verify API: the same pipeline as Latchkey's own guard, for a key a resource server received.
 * Format and lookup (ApiKeyVerifier, memory for a cached key), the tenant boundary, then
 * AccessPolicy — rate limit consumed, then authorize() over the resource server's method, path,
 * client address and required permissions. Omitted request fields count as unknown, so a key
 * restricted by one (read-only, path prefixes, IP allowlist) is refused.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly policy: AccessPolicy,
    private readonly companies: CompaniesService,
    private readonly events: AuthEvents,
  ) {}

  async verify(caller: Principal, request: VerifyRequestDto): Promise<VerifyAnswer> {
    const resolved = await this.keys.verify(request.key);
    // A tenant's service learns only about its own tenant's keys: others do not exist for it.
    if (!resolved || (!isProviderRole(caller.role) && resolved.companyUid !== caller.companyUid)) return NOT_FOUND;
    const clientIp = request.clientIp ?? '';
    const principal: Principal = { ...resolved, clientIp };
    const { decision, budget } = await this.policy.decide(principal, {
      method: request.method ?? '',
      path: request.path ?? '',
      clientIp,
      rule: RESOURCE_SERVER_RULE,
      permissions: request.permissions,
    });
    if (!decision.allow) return refusalOf(decision);
    // Used at the resource server, from its client's address: recorded as any other use.
    this.events.keyUsed(principal);
    return validAnswer(principal, await this.companies.nameOf(principal.companyUid), budget);
  }
}
