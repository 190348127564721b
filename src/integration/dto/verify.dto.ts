import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsIP, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PERMISSION_NAME, PERMISSION_NAME_MAX_LENGTH } from '../../access/permissions.js';

export const VERIFY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const VERIFY_LIMITS = { key: 512, permissions: 50, path: 2048 } as const;

/** What a resource server asks about one of its requests. */
@ApiSchema({ name: 'VerifyRequest' })
export class VerifyRequestDto {
  @ApiProperty({ description: 'The API key the resource server received (`lk_…`).', maxLength: VERIFY_LIMITS.key })
  @IsString({ message: 'key must be the API key as text' })
  @MaxLength(VERIFY_LIMITS.key, { message: `key must be at most ${VERIFY_LIMITS.key} characters` })
  key: string;

  @ApiPropertyOptional({ type: [String], maxItems: VERIFY_LIMITS.permissions, example: ['vm:write'], description: 'Permissions the request needs; all are required.' })
  @IsOptional()
  @IsArray({ message: 'permissions must be a list of permission names' })
  @ArrayMaxSize(VERIFY_LIMITS.permissions, { message: `permissions may name at most ${VERIFY_LIMITS.permissions} permissions` })
  @MaxLength(PERMISSION_NAME_MAX_LENGTH, { each: true, message: `each permission must be at most ${PERMISSION_NAME_MAX_LENGTH} characters` })
  @Matches(PERMISSION_NAME, { each: true, message: 'each permission must be resource:action in lower case, e.g. vm:read' })
  permissions?: string[];

  @ApiPropertyOptional({ enum: VERIFY_METHODS, description: "The request's method, checked against a read-only key. Omitted: a read-only key is refused." })
  @IsOptional()
  @IsIn(VERIFY_METHODS, { message: `method must be one of ${VERIFY_METHODS.join(', ')}` })
  method?: string;

  @ApiPropertyOptional({ maxLength: VERIFY_LIMITS.path, example: '/api/vms/', description: "The request's path without the query string, checked against the key's path prefixes." })
  @IsOptional()
  @IsString()
  @MaxLength(VERIFY_LIMITS.path, { message: `path must be at most ${VERIFY_LIMITS.path} characters` })
  @Matches(/^\//, { message: 'path must start with /' })
  path?: string;

  @ApiPropertyOptional({ example: '203.0.113.7', description: "The client's address as the resource server sees it, checked against the key's IP allowlist." })
  @IsOptional()
  @IsIP(undefined, { message: 'clientIp must be an IPv4 or IPv6 address' })
  clientIp?: string;
}

@ApiSchema({ name: 'VerifySubject', description: 'Whom a valid key acts for.' })
export class VerifySubjectDto {
  @ApiProperty({ type: 'integer' }) identityId: number;
  @ApiProperty({ format: 'uuid' }) userUid: string;
  @ApiProperty() userName: string;
  @ApiProperty({ format: 'uuid' }) companyId: string;
  @ApiProperty() companyName: string;
  @ApiProperty() role: string;
}

@ApiSchema({ name: 'VerifyRateLimit' })
export class VerifyRateLimitDto {
  @ApiProperty({ type: 'integer', description: 'Requests per minute.' }) limit: number;
  @ApiProperty({ type: 'integer', description: 'Left in the current minute, after this request.' }) remaining: number;
  @ApiProperty({ format: 'date-time' }) resetAt: string;
}

@ApiSchema({ name: 'VerifyAnswer', description: 'Whether the key may make the request. Refusals are answers (200), not errors.' })
export class VerifyAnswerDto {
  @ApiProperty() valid: boolean;

  @ApiProperty({
    enum: ['VALID', 'NOT_FOUND', 'DISABLED', 'EXPIRED', 'IP_NOT_ALLOWED', 'RATE_LIMITED', 'READ_ONLY', 'INSUFFICIENT_PERMISSIONS', 'PATH_NOT_ALLOWED'],
  })
  code: string;

  @ApiPropertyOptional({ description: 'Refusals: why, in words.' }) message?: string;
  @ApiPropertyOptional({ type: [String], description: 'INSUFFICIENT_PERMISSIONS: the required permissions the key lacks.' }) missingPermissions?: string[];
  @ApiPropertyOptional({ type: 'integer', description: 'RATE_LIMITED: seconds until the key may be used again.' }) retryAfterSeconds?: number;
  @ApiPropertyOptional({ type: VerifySubjectDto }) subject?: VerifySubjectDto;
  @ApiPropertyOptional({ type: [String], description: 'Valid: effective permissions, built-in and custom.' }) permissions?: string[];
  @ApiPropertyOptional({ type: [String] }) scopes?: string[];
  @ApiPropertyOptional() readOnly?: boolean;
  @ApiPropertyOptional({ description: 'Valid: the resource server must limit the key to objects of `subject.userUid`.' }) ownObjectsOnly?: boolean;
  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true }) expiresAt?: string | null;
  @ApiPropertyOptional({ type: VerifyRateLimitDto, nullable: true }) rateLimit?: VerifyRateLimitDto | null;
}
