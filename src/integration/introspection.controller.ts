import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { Access } from '../access/access.decorator.js';
import { checkCredential } from '../access/authorize.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { isProviderRole } from '../access/roles.js';
import { ApiError } from '../common/api-error.js';
import { CompaniesService } from '../companies/companies.service.js';
import { looksLikeApiKey } from '../identities/api-key.js';
import { ApiKeyVerifier } from '../identities/api-key-verifier.js';
import { IntrospectionDto, IntrospectionRequestDto } from './dto/introspection.dto.js';
import { INACTIVE, type Introspection, toIntrospection } from './introspection.mapper.js';
import { TokenService } from '../auth/token.service.js';

/** Introspection for other services that accept Latchkey credentials; integration surface only. */
@Controller('integration')
export class IntrospectionController {
  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly tokens: TokenService,
    private readonly companies: CompaniesService,
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
    return toIntrospection(subject, await this.companies.nameOf(subject.companyUid));
  }
}
