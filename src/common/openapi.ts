import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';
import type { ErrorItem, ErrorType } from './api-error.js';
import { SERVER_ERROR_STATUS } from './exception.filter.js';

/** Names of the security schemes in the OpenAPI document; `Access()` refers to them. */
export const SECURITY_SCHEMES = { bearer: 'bearer', apiKey: 'apiKey', basic: 'basic' } as const;

const ERROR_TYPES: ErrorType[] = ['logical', 'retryableLogical', 'security', 'transport', 'unspecified'];

@ApiSchema({ name: 'ErrorItem', description: 'One VSPC error.' })
export class ErrorItemDto implements ErrorItem {
  @ApiProperty({ example: 'description must not contain <, > or =' })
  message: string;

  @ApiProperty({ enum: ERROR_TYPES, description: 'How a client should react: fix the request, retry later, or change credentials.' })
  type: ErrorType;

  @ApiProperty({ type: 'integer', description: 'The HTTP status.', example: 400 })
  code: number;

  @ApiPropertyOptional({ description: 'The body property at fault.' })
  propertyName?: string;

  @ApiPropertyOptional({ description: 'The query or path parameter at fault.' })
  parameterName?: string;
}

@ApiSchema({ name: 'ErrorEnvelope', description: 'VSPC error envelope: every failure of /api/v3 (except the token endpoint).' })
export class ErrorEnvelopeDto {
  @ApiProperty({ type: [ErrorItemDto] })
  errors: ErrorItemDto[];
}

@ApiSchema({ name: 'PagingInfo' })
export class PagingInfoDto {
  @ApiProperty({ type: 'integer', description: 'Objects matching the query.' })
  total: number;

  @ApiProperty({ type: 'integer', description: 'Objects in this page.' })
  count: number;

  @ApiProperty({ type: 'integer' })
  offset: number;
}

@ApiSchema({ name: 'CollectionMeta' })
export class CollectionMetaDto {
  @ApiProperty({ type: PagingInfoDto })
  pagingInfo: PagingInfoDto;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input (`logical`), with `propertyName` or `parameterName` when one input is at fault.',
  401: 'Missing or invalid credential (`security`); answered with `WWW-Authenticate`.',
  403: 'The credential is valid but does not grant this action (`security`).',
  404: 'No such object, or one the caller may not see.',
  429: 'Rate limit used up (`retryableLogical`); see `Retry-After`.',
  503: 'Temporarily unavailable (`retryableLogical`).',
  [SERVER_ERROR_STATUS]: 'Unexpected server failure (VSPC answers 520, not 500).',
};

/** The common failures of an operation, each in the VSPC error envelope. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeDto, ErrorItemDto),
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERROR_DESCRIPTIONS[status] ?? 'Error.', schema: { $ref: getSchemaPath(ErrorEnvelopeDto) } }),
    ),
  );
}

/** Errors of every route behind the global guard. */
export const AUTHENTICATED_ERRORS = [400, 401, 403, 404, 429, SERVER_ERROR_STATUS];

/**
 * The success answer in the VSPC envelope: `{ data: model }`, or `{ data: [model], meta: { pagingInfo } }`
 * with `page`. Pass `Boolean` for `{ data: true }`.
 */
export function ApiData(model: Type<unknown> | BooleanConstructor, options: { page?: boolean; list?: boolean; description?: string } = {}) {
  const item = model === Boolean ? { type: 'boolean', example: true } : { $ref: getSchemaPath(model as Type<unknown>) };
  const data = options.page || options.list ? { type: 'array', items: item } : item;
  const properties: Record<string, object> = { data };
  if (options.page) properties.meta = { $ref: getSchemaPath(CollectionMetaDto) };
  const models: Type<unknown>[] = [CollectionMetaDto, PagingInfoDto];
  if (model !== Boolean) models.push(model as Type<unknown>);
  return applyDecorators(
    ApiExtraModels(...models),
    ApiOkResponse({ description: options.description ?? 'Success, in the VSPC envelope.', schema: { type: 'object', required: Object.keys(properties), properties } }),
  );
}

@ApiSchema({ name: 'JsonPatchOperation', description: 'One RFC 6902 operation; paths name properties case-insensitively.' })
export class JsonPatchOperationDto {
  @ApiProperty({ enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] })
  op: string;

  @ApiProperty({ example: '/status' })
  path: string;

  @ApiPropertyOptional({ description: 'Any JSON value.', example: 'disabled' })
  value?: unknown;

  @ApiPropertyOptional()
  from?: string;
}

/** A PATCH body: an RFC 6902 JSON Patch array. */
export function ApiJsonPatch(): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(JsonPatchOperationDto),
    ApiBody({
      description: 'RFC 6902 JSON Patch. Patching a read-only property is a `logical` 400.',
      schema: { type: 'array', items: { $ref: getSchemaPath(JsonPatchOperationDto) } },
    }),
  );
}
