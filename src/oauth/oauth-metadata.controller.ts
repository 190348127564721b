import { Controller, Get, Header, Inject, Param, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorator.js';
import { SURFACES } from '../access/permissions.js';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export const METADATA_PATH = '.well-known/oauth-authorization-server';

/** A Host header Latchkey is willing to name itself by: a name or an address, with an optional port. */
const SANE_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** RFC 8414 authorization server metadata: what an OAuth client needs to find and use Latchkey's endpoints. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  introspection_endpoint: string;
  revocation_endpoint: string;
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  introspection_endpoint_auth_methods_supported: string[];
  scopes_supported: string[];
}

const url = { type: 'string', format: 'uri' };
const list = { type: 'array', items: { type: 'string' } };
const METADATA_SCHEMA = {
  type: 'object',
  required: ['issuer', 'token_endpoint'],
  properties: {
    issuer: url,
    token_endpoint: url,
    introspection_endpoint: url,
    revocation_endpoint: url,
    grant_types_supported: list,
    token_endpoint_auth_methods_supported: list,
    revocation_endpoint_auth_methods_supported: list,
    introspection_endpoint_auth_methods_supported: list,
    scopes_supported: list,
  },
};

/**
 * `/.well-known/oauth-authorization-server`, outside /api/v3 as RFC 8414 places it (and, for an
 * issuer with a one-segment path, also with that path appended, §3.1). The issuer is PUBLIC_URL, or else the
 * scheme and host of the request (X-Forwarded-Proto and -Host count only from trusted proxies).
 *
 * `response_types_supported` is left out: the RFC lists it as required, but Latchkey has no
 * authorization endpoint, so the list would be empty, and §3.2 says claims with zero elements
 * must be omitted (RFC erratum 7793 reports the conflict).
 */
@Controller(METADATA_PATH)
@Public()
export class OAuthMetadataController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'OAuth 2.0 authorization server metadata (RFC 8414)' })
  @ApiOkResponse({ description: 'RFC 8414 metadata, not the envelope.', schema: METADATA_SCHEMA })
  metadata(@Req() request: FastifyRequest): AuthorizationServerMetadata {
    return this.describe(this.issuer(request));
  }

  /** An issuer with a one-segment path (PUBLIC_URL=https://example.com/latchkey) is also found here. */
  @Get(':issuerPath')
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: 'The same metadata for an issuer with a path (RFC 8414 §3.1)' })
  @ApiOkResponse({ description: 'RFC 8414 metadata, not the envelope.', schema: METADATA_SCHEMA })
  metadataForPath(@Req() request: FastifyRequest, @Param('issuerPath') issuerPath: string): AuthorizationServerMetadata {
    const issuer = this.issuer(request);
    if (new URL(issuer).pathname.replace(/^\/|\/$/g, '') !== issuerPath) throw ApiError.notFound('Resource');
    return this.describe(issuer);
  }

  private issuer(request: FastifyRequest): string {
    if (this.config.publicUrl) return this.config.publicUrl;
    const host = request.host;
    if (typeof host !== 'string' || !SANE_HOST.test(host)) throw ApiError.badRequest('The Host header does not name a host; set PUBLIC_URL.');
    return `${request.protocol}://${host}`;
  }

  private describe(issuer: string): AuthorizationServerMetadata {
    const api = `${issuer}/api/v3`;
    return {
      issuer,
      token_endpoint: `${api}/token`,
      introspection_endpoint: `${api}/integration/introspect`,
      revocation_endpoint: `${api}/integration/revoke`,
      // `mfa` is Latchkey's own second step after `password` for users with a second factor.
      grant_types_supported: ['password', 'refresh_token', 'mfa'],
      // The token endpoint has no clients to authenticate; revocation needs only the token itself.
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      // Introspection takes a Latchkey credential (an access token or an API key) as a bearer token.
      introspection_endpoint_auth_methods_supported: ['Bearer'],
      scopes_supported: [...SURFACES],
    };
  }
}
