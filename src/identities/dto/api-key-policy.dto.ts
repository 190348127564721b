import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ApiBody, ApiProperty, ApiPropertyOptional, ApiQuery } from '@nestjs/swagger';
import { PERMISSION_NAME, PERMISSION_NAME_MAX_LENGTH, SURFACES } from '../../access/permissions.js';
import { ApiError } from '../../common/api-error.js';
import { Description, PLAIN_TEXT } from '../../common/input-rules.js';
import { checkDto } from '../../common/validation.js';

/** Built-in permissions and a generous number of custom ones. */
const MAX_KEY_PERMISSIONS = 200;

/** `scopes=["integration","rest"]` (VSPC guide), repeated `scopes=rest&scopes=ui`, or a JSON array. */
export function listFromQuery({ value }: { value: unknown }): unknown {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        return value;
      }
    }
    return trimmed === '' ? [] : [trimmed];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item) => (typeof item === 'string' && item.trim().startsWith('[') ? (listFromQuery({ value: item }) as unknown[]) : [item]));
  }
  return value;
}

/** Query strings carry booleans as text; only `true` and `false` are booleans. */
function booleanFromQuery({ value }: { value: unknown }): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

function intFromQuery({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
}

/** Fields of an API key's policy, accepted in the query (VSPC) or a JSON body (extensions too). */
export class ApiKeyPolicyDto {
  @ApiProperty({ minLength: 1, maxLength: 128, pattern: PLAIN_TEXT.source })
  @Description()
  description: string;

  @ApiProperty({ type: [String], enum: SURFACES, description: 'Surfaces the key may call.' })
  @Transform(listFromQuery)
  @IsArray({ message: 'scopes is required: a list of rest, integration, ui' })
  @ArrayMinSize(1, { message: 'scopes must name at least one surface' })
  @ArrayUnique()
  @IsIn(SURFACES, { each: true, message: `each scope must be one of ${SURFACES.join(', ')}` })
  scopes: string[];

  @ApiPropertyOptional({ default: false, description: 'Only GET, HEAD and OPTIONS.' })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean({ message: 'isReadAccessOnly must be true or false' })
  isReadAccessOnly?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_KEY_PERMISSIONS,
    example: ['vm:read'],
    description: "Narrows the user's role to these (built-in or custom, as listed by GET /api/v3/permissions); the user's permissions by default.",
  })
  @IsOptional()
  @Transform(listFromQuery)
  @IsArray()
  @ArrayMaxSize(MAX_KEY_PERMISSIONS)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(PERMISSION_NAME_MAX_LENGTH, { each: true })
  @Matches(PERMISSION_NAME, { each: true, message: 'each permission must be resource:action, one listed by GET /api/v3/permissions' })
  permissions?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Never expires by default.' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'expirationDate must be an ISO 8601 date-time' })
  expirationDate?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50, description: 'Addresses or CIDR ranges.' })
  @IsOptional()
  @Transform(listFromQuery)
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  allowedIps?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 50, description: 'Request-path prefixes; `=/path` for one exact path.' })
  @IsOptional()
  @Transform(listFromQuery)
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^=?\/[^?#\s]{0,255}$/, { each: true, message: 'each path prefix must start with / (or =/ for one exact path)' })
  pathPrefixes?: string[];

  @ApiPropertyOptional({ description: 'Only objects the key\'s user owns; the server default otherwise.' })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean({ message: 'ownObjectsOnly must be true or false' })
  ownObjectsOnly?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1_000_000 })
  @IsOptional()
  @Transform(intFromQuery)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  rateLimitPerMinute?: number;
}

const FIELDS = new Set(Object.keys(new ApiKeyPolicyDto()).concat([
  'description', 'scopes', 'isReadAccessOnly', 'permissions', 'expirationDate', 'allowedIps', 'pathPrefixes', 'ownObjectsOnly', 'rateLimitPerMinute',
]));

/** Merge query and body (body wins), refuse unknown fields, and validate. */
export function parseApiKeyPolicy(query: Record<string, unknown>, body: unknown): ApiKeyPolicyDto {
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw ApiError.badRequest('Request body must be a JSON object.');
  }
  const merged: Record<string, unknown> = { ...query, ...(body as Record<string, unknown> | undefined) };
  for (const name of Object.keys(merged)) {
    if (!FIELDS.has(name)) throw ApiError.badRequest(`Unknown field "${name}".`, { propertyName: name });
  }
  const dto = plainToInstance(ApiKeyPolicyDto, merged);
  const problem = checkDto(dto);
  if (problem) {
    const inQuery = body === undefined || body === null || !(problem.property in (body as object));
    throw ApiError.badRequest(problem.message, inQuery ? { parameterName: problem.property } : { propertyName: problem.property });
  }
  return dto;
}

/** Documents where the policy may come from: VSPC's query parameters, or a JSON body with every field. */
export function ApiKeyPolicyInput(): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'description', required: false, description: 'VSPC style; or in the body.' }),
    ApiQuery({
      name: 'scopes',
      required: false,
      type: [String],
      description: 'Repeated (`scopes=rest&scopes=ui`) or a JSON-array literal (`scopes=["integration","rest"]`); or in the body.',
    }),
    ApiQuery({ name: 'isReadAccessOnly', required: false, type: Boolean }),
    ApiBody({ type: ApiKeyPolicyDto, required: false, description: 'The policy as JSON; wins over the query.' }),
  );
}
