import type { FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiError } from './api-error.js';
import { PageQuery } from './pagination.dto.js';

/** VSPC collection query: paging and `select` plus `filter` and `sort`, each JSON in the query string. */
export class CollectionQuery extends PageQuery {
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  filter?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  sort?: string;
}

/** A resource property that may be filtered and sorted on: its entity path and value type. */
export interface QueryField {
  path: string;
  type: 'string' | 'number' | 'boolean' | 'date';
}
export type QueryFields = Record<string, QueryField>;

const COMPARISONS: Record<string, string> = {
  equals: '$eq',
  notEquals: '$ne',
  lessThan: '$lt',
  lessThanOrEqual: '$lte',
  greaterThan: '$gt',
  greaterThanOrEqual: '$gte',
};
const MAX_DEPTH = 5;
const MAX_ITEMS = 50;

function parseJson(raw: string, parameterName: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw ApiError.badRequest(`${parameterName} must be JSON.`, { parameterName });
  }
}

function bad(message: string): ApiError {
  return ApiError.badRequest(message, { parameterName: 'filter' });
}

/** Resolve a property name case-insensitively, as VSPC does. */
function field(fields: QueryFields, name: unknown, parameterName: string): [string, QueryField] {
  const match = Object.entries(fields).find(([key]) => typeof name === 'string' && key.toLowerCase() === name.toLowerCase());
  if (!match) {
    throw ApiError.badRequest(`Property "${String(name)}" cannot be used in ${parameterName}; use one of ${Object.keys(fields).join(', ')}.`, { parameterName });
  }
  return match;
}

function coerce(value: unknown, { type }: QueryField, name: string): unknown {
  const ok =
    (type === 'string' && typeof value === 'string' && value.length <= 256) ||
    (type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (type === 'boolean' && typeof value === 'boolean') ||
    (type === 'date' && typeof value === 'string' && !Number.isNaN(Date.parse(value)));
  if (!ok) throw bad(`Filter value for "${name}" must be a ${type}.`);
  return type === 'date' ? new Date(value as string) : value;
}

/** `a.b.c` + condition → `{ a: { b: { c: condition } } }`. */
function nest(path: string, condition: unknown): Record<string, unknown> {
  return path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), condition) as Record<string, unknown>;
}

function expression(node: unknown, fields: QueryFields, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw bad(`Filters may nest at most ${MAX_DEPTH} levels.`);
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw bad('Each filter expression must be an object.');
  const { property, operation, value, items } = node as Record<string, unknown>;
  if (operation === 'and' || operation === 'or') {
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) throw bad(`"${operation}" needs 1-${MAX_ITEMS} items.`);
    return { [`$${operation}`]: items.map((item) => expression(item, fields, depth + 1)) };
  }
  if (operation === 'not') {
    if (!Array.isArray(items) || items.length !== 1) throw bad('"not" needs exactly one item.');
    return { $not: expression(items[0], fields, depth + 1) };
  }
  const [name, spec] = field(fields, property, 'filter');
  if (typeof operation === 'string' && COMPARISONS[operation]) {
    return nest(spec.path, { [COMPARISONS[operation]]: coerce(value, spec, name) });
  }
  if (operation === 'contains') {
    if (spec.type !== 'string') throw bad(`"contains" applies to text properties, not "${name}".`);
    const text = (coerce(value, spec, name) as string).replace(/[\\%_]/g, (c) => `\\${c}`);
    return nest(spec.path, { $like: `%${text}%` });
  }
  if (operation === 'in') {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ITEMS) throw bad(`"in" needs a list of 1-${MAX_ITEMS} values.`);
    return nest(spec.path, { $in: value.map((v) => coerce(v, spec, name)) });
  }
  throw bad(`Unknown filter operation "${String(operation)}".`);
}

/** VSPC filter JSON (an expression, or a list of them joined with "and") → a query condition. */
export function parseFilter<T>(raw: string | undefined, fields: QueryFields): FilterQuery<T> {
  if (!raw) return {} as FilterQuery<T>;
  const parsed = parseJson(raw, 'filter');
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length > MAX_ITEMS) throw bad(`At most ${MAX_ITEMS} filter expressions.`);
  return { $and: list.map((node) => expression(node, fields, 1)) } as FilterQuery<T>;
}

/** VSPC sort JSON `[{ "property": "creationDate", "direction": "descending" }]`. */
export function parseSort<T>(raw: string | undefined, fields: QueryFields): QueryOrderMap<T>[] {
  if (!raw) return [];
  const parsed = parseJson(raw, 'sort');
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length > 10) throw ApiError.badRequest('At most 10 sort expressions.', { parameterName: 'sort' });
  return list.map((item) => {
    const { property, direction = 'ascending' } = (item ?? {}) as Record<string, unknown>;
    const [, spec] = field(fields, property, 'sort');
    if (direction !== 'ascending' && direction !== 'descending') {
      throw ApiError.badRequest('Sort direction must be ascending or descending.', { parameterName: 'sort' });
    }
    return nest(spec.path, direction === 'ascending' ? 'asc' : 'desc') as QueryOrderMap<T>;
  });
}
