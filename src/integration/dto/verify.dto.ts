import { isIP } from 'node:net';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { isPermissionName, PERMISSION_NAME, PERMISSION_NAME_MAX_LENGTH } from '../../access/permissions.js';
import { ApiError } from '../../common/api-error.js';

export const VERIFY_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export const VERIFY_LIMITS = { key: 512, permissions: 50, path: 2048 } as const;
const METHODS: ReadonlySet<string> = new Set(VERIFY_METHODS);
const FIELDS: ReadonlySet<string> = new Set(['key', 'permissions', 'method', 'path', 'clientIp']);

/** What a resource server asks about one of its requests (documented here, checked by parseVerifyRequest). */
@ApiSchema({ name: 'VerifyRequest' })
export class VerifyRequestDto {
  @ApiProperty({ description: 'The API key the resource server received (`lk_…`).', maxLength: VERIFY_LIMITS.key })
  key: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: VERIFY_LIMITS.permissions,
    items: { type: 'string', pattern: PERMISSION_NAME.source, maxLength: PERMISSION_NAME_MAX_LENGTH },
    example: ['vm:write'],
    description: 'Permissions the request needs; all are required.',
  })
  permissions?: string[];

  @ApiPropertyOptional({ enum: VERIFY_METHODS, description: "The request's method, checked against a read-only key. Omitted: a read-only key is refused." })
  method?: string;

  @ApiPropertyOptional({ maxLength: VERIFY_LIMITS.path, example: '/api/vms/', description: "The request's path without the query string, checked against the key's path prefixes." })
  path?: string;

  @ApiPropertyOptional({ example: '203.0.113.7', description: "The client's address as the resource server sees it, checked against the key's IP allowlist." })
  clientIp?: string;
}

const bad = (message: string, propertyName: string): ApiError => ApiError.badRequest(message, { propertyName });

/**
 * The verify request's rules, checked by hand: the verify API sits in front of every request of a
 * resource server, and class-validator's pipe measured about 95 µs for this DTO, more than the rest
 * of a verification together; this takes about a microsecond. Unknown fields are refused, as the
 * pipe would.
 */
export function parseVerifyRequest(body: unknown): VerifyRequestDto {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw ApiError.badRequest('Request body must be a JSON object.');
  const input = body as Record<string, unknown>;
  for (const name in input) if (!FIELDS.has(name)) throw bad(`property ${name} should not exist`, name);
  const { key, permissions, method, path, clientIp } = input;
  if (typeof key !== 'string') throw bad('key must be the API key as text', 'key');
  if (key.length > VERIFY_LIMITS.key) throw bad(`key must be at most ${VERIFY_LIMITS.key} characters`, 'key');
  const request: VerifyRequestDto = { key };
  if (permissions !== undefined) {
    if (!Array.isArray(permissions)) throw bad('permissions must be a list of permission names', 'permissions');
    if (permissions.length > VERIFY_LIMITS.permissions) throw bad(`permissions may name at most ${VERIFY_LIMITS.permissions} permissions`, 'permissions');
    for (const name of permissions) {
      if (!isPermissionName(name)) throw bad('each permission must be resource:action in lower case, e.g. vm:read', 'permissions');
    }
    request.permissions = permissions as string[];
  }
  if (method !== undefined) {
    if (typeof method !== 'string' || !METHODS.has(method)) throw bad(`method must be one of ${VERIFY_METHODS.join(', ')}`, 'method');
    request.method = method;
  }
  if (path !== undefined) {
    if (typeof path !== 'string' || path.length > VERIFY_LIMITS.path || path[0] !== '/') {
      throw bad(`path must start with / and be at most ${VERIFY_LIMITS.path} characters`, 'path');
    }
    request.path = path;
  }
  if (clientIp !== undefined) {
    if (typeof clientIp !== 'string' || clientIp.length > 64 || isIP(clientIp) === 0) throw bad('clientIp must be an IPv4 or IPv6 address', 'clientIp');
    request.clientIp = clientIp;
  }
  return request;
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
