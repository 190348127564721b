import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './api-error.js';

function firstProblem(errors: ValidationError[], prefix = ''): { property: string; message: string } {
  const error = errors[0];
  const property = prefix ? `${prefix}.${error.property}` : error.property;
  if (error.constraints) return { property, message: Object.values(error.constraints)[0] };
  if (error.children?.length) return firstProblem(error.children, property);
  return { property, message: `${property} is invalid` };
}

/**
 * DTO validation at the edge: unknown properties refused, errors in the VSPC envelope,
 * naming `parameterName` for query input and `propertyName` for body input.
 */
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      exceptionFactory: (errors) => {
        const { property, message } = firstProblem(errors);
        return ApiError.badRequest(message, { propertyName: property });
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value === undefined) value = {};
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw ApiError.badRequest('Request body must be a JSON object.');
    }
    try {
      return await super.transform(value ?? {}, metadata);
    } catch (error) {
      if (error instanceof ApiError && metadata.type === 'query' && error.field?.propertyName) {
        throw ApiError.badRequest(error.message, { parameterName: error.field.propertyName });
      }
      throw error;
    }
  }
}
