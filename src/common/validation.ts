import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { validateSync } from 'class-validator';
import { ApiError } from './api-error.js';

export interface Problem {
  property: string;
  message: string;
}

function firstProblem(errors: ValidationError[], prefix = ''): Problem {
  const error = errors[0];
  const property = prefix ? `${prefix}.${error.property}` : error.property;
  if (error.constraints) return { property, message: Object.values(error.constraints)[0] };
  if (error.children?.length) return firstProblem(error.children, property);
  return { property, message: `${property} is invalid` };
}

/** The errors at the dotted paths in `only`, nested errors kept where one of their children is. */
function errorsAt(errors: ValidationError[], only: ReadonlySet<string>, prefix = ''): ValidationError[] {
  return errors.flatMap((error) => {
    const path = prefix + error.property;
    if (only.has(path)) return [error];
    const children = errorsAt(error.children ?? [], only, `${path}.`);
    return children.length ? [{ ...error, constraints: undefined, children }] : [];
  });
}

/**
 * The first rule a DTO instance breaks, or undefined; with `only` (dotted paths), rules of the
 * other properties are not counted (a patch answers for the properties it changed).
 */
export function checkDto(dto: object, only?: ReadonlySet<string>): Problem | undefined {
  const all = validateSync(dto, { forbidUnknownValues: true });
  const errors = only ? errorsAt(all, only) : all;
  return errors.length ? firstProblem(errors) : undefined;
}

/** Far deeper than any Latchkey document; deeper input would exhaust the stack of recursive transformers. */
export const MAX_INPUT_DEPTH = 32;

/** Depth of nested arrays and objects, counted without recursion so hostile input cannot overflow the stack. */
export function exceedsDepth(value: unknown, max = MAX_INPUT_DEPTH): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length) {
    const [item, depth] = pending.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
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
    if ((metadata.type === 'body' || metadata.type === 'query') && exceedsDepth(value)) {
      throw ApiError.badRequest(`Request ${metadata.type} is nested deeper than ${MAX_INPUT_DEPTH} levels.`);
    }
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
