import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { IntrospectionDto, IntrospectionRequestDto } from './dto/introspection.dto.js';
import { looksLikeApiKey } from '../identities/api-key.js';
import { ApiKeyVerifier } from '../identities/api-key-verifier.js';
import { isProviderRole } from '../users/roles.js';
import { Access } from './access.decorator.js';
import { checkCredential } from './authorize.js';
import { CurrentPrincipal } from './current-principal.decorator.js';
import type { Principal } from './principal.js';
import { TokenService } from './token.service.js';

/** RFC 7662 answer, plus the key policy a resource server needs to enforce it. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      sub: string;
      username: string;
      token_type: 'api_key' | 'access_token';
      scope: string;
      exp?: number;
      identity_id?: number;
      company_id: string;
      company_name: string;
      role: string;
      permissions: string[];
      read_only: boolean;
      path_prefixes: readonly string[];
      own_objects_only: boolean;
      allowed_ips_restricted: boolean;
    };

const INACTIVE: Introspection = { active: false };

/** Introspection for other services that accept Latchkey credentials; integration surface only. */
@Controller('integration')
export class IntrospectionController {
  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly tokens: TokenService,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  @ApiExtraModels(IntrospectionDto)
  @ApiBody({ type: IntrospectionRequestDto, description: 'Form-urlencoded or JSON.' })
  @ApiOkResponse({ description: 'RFC 7662 answer, not the envelope.', schema: { $ref: getSchemaPath(IntrospectionDto) } })
  @Header('Cache-Control', 'no-store')
  @Access({ surface: 'integration', permission: 'introspect:use', ownable: false })
  async introspect(@CurrentPrincipal() caller: Principal, @Body() body: unknown): Promise<Introspection> {
    const token = (body as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw ApiError.badRequest('The "token" parameter is required.', { propertyName: 'token' });
    }
    const subject = looksLikeApiKey(token) ? await this.keys.verify(token) : await this.tokens.verifyAccessToken(token);
    if (!subject || !checkCredential(subject, new Date()).allow) return INACTIVE;
    // A tenant's service may only learn about its own tenant's credentials.
    if (!isProviderRole(caller.role) && subject.companyUid !== caller.companyUid) return INACTIVE;
    return {
      active: true,
      sub: subject.userUid,
      username: subject.userName,
      token_type: subject.kind === 'apiKey' ? 'api_key' : 'access_token',
      scope: [...subject.scopes].sort().join(' '),
      ...(subject.expiresAt ? { exp: Math.floor(subject.expiresAt.getTime() / 1000) } : {}),
      ...(subject.identityId !== null ? { identity_id: subject.identityId } : {}),
      company_id: subject.companyUid,
      company_name: subject.companyName,
      role: subject.role,
      permissions: [...subject.permissions].sort(),
      read_only: subject.readOnly,
      path_prefixes: subject.pathPrefixes,
      own_objects_only: subject.ownObjectsOnly,
      allowed_ips_restricted: subject.allowedNetworks.length > 0,
    };
  }
}

