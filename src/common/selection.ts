import { applyDecorators, type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiQuery } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { map, type Observable } from 'rxjs';
import { ApiError } from './api-error.js';
import type { Envelope } from './envelope.js';

/**
 * The properties of a resource that `select` may name: `true` for a value, a nested shape for an
 * object. Typed from the view, so the compiler insists on every property.
 */
export type Shape<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? true : NonNullable<T[K]> extends object ? Shape<NonNullable<T[K]>> | true : true;
};
type ShapeNode = true | { [name: string]: ShapeNode };

/** VSPC `select`: JSON in the query string, `[{ "propertyPath": "profile.email" }]`. */
export class SelectQuery {
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  select?: string;
}

const MAX_SELECTED = 50;
const SELECT_KEY = 'latchkey:select';

function refuse(message: string): ApiError {
  return ApiError.badRequest(message, { parameterName: 'select' });
}

/** A dotted path resolved case-insensitively against the shape, as VSPC names properties. */
function resolve(shape: ShapeNode, path: unknown): string[] {
  if (typeof path !== 'string' || path.length === 0 || path.length > 256) throw refuse('Each select expression needs a propertyPath.');
  const resolved: string[] = [];
  let node = shape;
  for (const segment of path.split('.')) {
    const name = node === true ? undefined : Object.keys(node).find((key) => key.toLowerCase() === segment.toLowerCase());
    if (node === true || name === undefined) throw refuse(`Property "${path}" cannot be selected.`);
    resolved.push(name);
    node = node[name];
  }
  return resolved;
}

/** The selected property paths, or undefined for "everything". */
export function parseSelect(raw: string | undefined, shape: object): string[][] | undefined {
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw refuse('select must be JSON.');
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0 || list.length > MAX_SELECTED) throw refuse(`select needs 1-${MAX_SELECTED} expressions.`);
  return list.map((item) => resolve(shape as ShapeNode, (item as { propertyPath?: unknown } | null)?.propertyPath));
}

/** A copy of `item` with only the selected paths (absent values stay absent). */
export function applySelect(item: unknown, paths: string[][]): unknown {
  if (item === null || typeof item !== 'object') return item;
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    let from = item as Record<string, unknown>;
    let to = out;
    for (const [index, name] of path.entries()) {
      if (from === null || typeof from !== 'object' || !(name in from)) break;
      if (index === path.length - 1) {
        to[name] = from[name];
        break;
      }
      // A whole object selected earlier already holds this path.
      if (to[name] !== undefined && to[name] === from[name]) break;
      to = (to[name] ??= {}) as Record<string, unknown>;
      from = from[name] as Record<string, unknown>;
    }
  }
  return out;
}

/** Applies the route's `select` to the envelope's `data`, an object or a list; bad input is refused before the handler runs. */
@Injectable()
export class SelectInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const shape = this.reflector.get<object>(SELECT_KEY, context.getHandler());
    const { query } = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>();
    const raw = query?.select;
    if (raw !== undefined && typeof raw !== 'string') throw refuse('select must be given once.');
    const paths = shape ? parseSelect(raw, shape) : undefined;
    if (!paths) return next.handle();
    return next.handle().pipe(
      map((envelope: Envelope<unknown>) => ({
        ...envelope,
        data: Array.isArray(envelope.data) ? envelope.data.map((item) => applySelect(item, paths)) : applySelect(envelope.data, paths),
      })),
    );
  }
}

/** A GET route answering this resource (or a list of it) takes VSPC's `select`. */
export function Select<T>(shape: Shape<T>): MethodDecorator {
  return applyDecorators(
    SetMetadata(SELECT_KEY, shape),
    UseInterceptors(SelectInterceptor),
    ApiQuery({
      name: 'select',
      required: false,
      type: String,
      description: 'VSPC select: JSON `[{"propertyPath":"…"}]`, dotted for nested properties, case-insensitive; only those properties are answered.',
    }),
  );
}
