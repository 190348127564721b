import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiTooManyRequestsResponse, ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi.js';
import { SERVER_ERROR_STATUS } from '../../common/exception.filter.js';
import type { TokenResponse } from './token-request.dto.js';

/** The documented fields of `POST /token`; the controller checks them by hand (RFC 6749 errors). */
@ApiSchema({ name: 'TokenRequest' })
export class TokenRequestDto {
  @ApiProperty({ enum: ['password', 'refresh_token', 'mfa'] })
  grant_type: string;

  @ApiPropertyOptional({ description: 'With `password`.' })
  username?: string;

  @ApiPropertyOptional({ description: 'With `password`.', format: 'password' })
  password?: string;

  @ApiPropertyOptional({ description: 'With `password`: `true` for a GET-only session.' })
  readOnly?: boolean;

  @ApiPropertyOptional({ description: 'With `refresh_token`. Refresh tokens rotate; reusing one revokes its family.' })
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'With `mfa`: from the answer to the password grant of a user with a second factor.' })
  mfa_token?: string;

  @ApiPropertyOptional({ description: 'With `mfa`: the current one-time code.' })
  mfa_code?: string;
}

@ApiSchema({ name: 'TokenResponse' })
export class TokenResponseDto implements TokenResponse {
  @ApiProperty()
  access_token: string;

  @ApiProperty({ enum: ['bearer'] })
  token_type: 'bearer';

  @ApiProperty({ type: 'integer', example: 3600 })
  expires_in: number;

  @ApiProperty()
  refresh_token: string;
}

@ApiSchema({ name: 'MfaChallenge', description: 'The password was right and the user has a second factor: continue with `grant_type=mfa`.' })
export class MfaChallengeDto {
  @ApiProperty()
  mfa_token: string;
}

@ApiSchema({ name: 'OAuthError', description: 'RFC 6749 §5.2 error of the token endpoint.' })
export class OAuthErrorDto {
  @ApiProperty({ enum: ['invalid_request', 'invalid_grant', 'unsupported_grant_type', 'invalid_client'] })
  error: string;

  @ApiProperty()
  error_description: string;
}

/** Documents the OAuth2-style token endpoint: form or JSON in, a bare object out. */
export function ApiTokenEndpoint(): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(TokenResponseDto, MfaChallengeDto),
    ApiConsumes('application/x-www-form-urlencoded', 'application/json'),
    ApiBody({ type: TokenRequestDto }),
    ApiOkResponse({
      description: 'Tokens, or an MFA challenge for a user with a second factor. Not in the envelope.',
      schema: { oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] },
    }),
    ApiBadRequestResponse({ description: 'RFC 6749 error.', type: OAuthErrorDto }),
    ApiTooManyRequestsResponse({ description: 'Too many failed logins or wrong codes: `slow_down`, with `Retry-After`.', type: OAuthErrorDto }),
    ApiErrors(SERVER_ERROR_STATUS),
  );
}
