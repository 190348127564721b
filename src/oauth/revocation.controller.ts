import { Body, Controller, Header, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { Public } from '../access/access.decorator.js';
import { OAuthError } from '../common/api-error.js';
import { RateLimitsService } from '../rate-limits/rate-limits.service.js';
import { RevocationService, TOKEN_TYPE_HINTS, type TokenTypeHint } from './revocation.service.js';

/** The longest token Latchkey issues is an access token of a few hundred characters. */
const MAX_TOKEN_LENGTH = 4096;

class RevocationRequestDto {
  @ApiProperty({ maxLength: MAX_TOKEN_LENGTH, description: 'An API key, a refresh token or an access token.' })
  token: string;

  @ApiPropertyOptional({ enum: TOKEN_TYPE_HINTS, description: 'What the token is, if known; other values are ignored.' })
  token_type_hint?: string;
}

/**
 * RFC 7009 token revocation. No client authentication (Latchkey has no OAuth clients): holding the
 * token is what entitles its revocation, as with GitHub's revoke-by-value, so a leaked token can be
 * killed by whoever finds it. Throttled per address like the revoke-by-value route.
 */
@Controller('integration')
export class RevocationController {
  constructor(
    private readonly revocation: RevocationService,
    private readonly rateLimits: RateLimitsService,
  ) {}

  @Post('revoke')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Revoke a token (RFC 7009)' })
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: RevocationRequestDto })
  @ApiOkResponse({ description: 'Revoked, or there was nothing to revoke: the same empty object either way (RFC 7009 §2.2).', schema: { type: 'object', additionalProperties: false } })
  @ApiResponse({ status: 400, description: 'RFC 6749 error `invalid_request`: no token.' })
  @ApiResponse({ status: 429, description: 'RFC 6749 error `slow_down`: too many requests from this address; see Retry-After.' })
  async revoke(@Body() raw: unknown, @Ip() ip: string): Promise<Record<string, never>> {
    const body = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    const { token, token_type_hint: hint } = body;
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new OAuthError('invalid_request', 'The "token" parameter is required.');
    }
    const wait = await this.rateLimits.revocationWait(ip);
    if (wait !== undefined) throw new OAuthError('slow_down', 'Too many revocation requests; try again later.', 429, wait);
    const known = typeof hint === 'string' && (TOKEN_TYPE_HINTS as readonly string[]).includes(hint) ? (hint as TokenTypeHint) : undefined;
    await this.revocation.revoke(token, known, ip);
    return {};
  }
}
