import { Body, Injectable, type PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ApiError } from './api-error.js';
import { checkDto } from './validation.js';

const { applyPatch, JsonPatchError } = fastJsonPatch;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export interface PatchRules<T> {
  /** Properties a patch may change. */
  writable: readonly (keyof T & string)[];
  /** Properties a patch may only `test`; any other op on them is refused. */
  readOnly: readonly (keyof T & string)[];
}

/** Resolve `/Description/x` to `/description/x`: VSPC names properties case-insensitively. */
function canonicalPath<T>(path: unknown, rules: PatchRules<T>, opName: string, write: boolean): string {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw ApiError.badRequest(`JSON Patch "${opName}" needs a path starting with "/".`, { propertyName: 'path' });
  }
  const [, head, ...rest] = path.split('/');
  const known = [...rules.writable, ...rules.readOnly];
  const property = known.find((name) => name.toLowerCase() === head.toLowerCase());
  if (!property) throw ApiError.badRequest(`Property "${head}" does not exist.`, { propertyName: head });
  if (write && !rules.writable.includes(property)) {
    throw ApiError.badRequest(`Property "${property}" is read-only.`, { propertyName: property });
  }
  return ['', property, ...rest].join('/');
}

function normalise<T>(raw: unknown, rules: PatchRules<T>): Operation {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw ApiError.badRequest('Each JSON Patch operation must be an object.');
  }
  const op = raw as Record<string, unknown>;
  if (typeof op.op !== 'string' || !OPS.has(op.op)) {
    throw ApiError.badRequest(`JSON Patch op must be one of ${[...OPS].join(', ')}.`, { propertyName: 'op' });
  }
  const path = canonicalPath(op.path, rules, op.op, op.op !== 'test');
  if (['add', 'replace', 'test'].includes(op.op) && !('value' in op)) {
    throw ApiError.badRequest(`JSON Patch "${op.op}" needs a value.`, { propertyName: 'value' });
  }
  if (op.op === 'move' || op.op === 'copy') {
    const from = canonicalPath(op.from, rules, op.op, op.op === 'move');
    return { op: op.op, path, from } as Operation;
  }
  return { op: op.op, path, value: op.value } as Operation;
}

/**
 * Apply an RFC 6902 patch to a resource view. The whole patch is checked before any
 * operation runs, so a refused patch changes nothing. Returns the patched copy.
 */
export function applyJsonPatch<T extends object>(document: T, patch: unknown, rules: PatchRules<T>): T {
  if (!Array.isArray(patch) || patch.length === 0) {
    throw ApiError.badRequest('Body must be a non-empty JSON Patch array (RFC 6902).');
  }
  if (patch.length > 100) throw ApiError.badRequest('A JSON Patch may hold at most 100 operations.');
  const operations = patch.map((op) => normalise(op, rules));
  try {
    return applyPatch(structuredClone(document), operations, true, false).newDocument;
  } catch (error) {
    if (error instanceof JsonPatchError) {
      const message =
        error.name === 'TEST_OPERATION_FAILED' ? 'JSON Patch test operation failed.' : `Invalid JSON Patch: ${error.name}.`;
      throw ApiError.badRequest(message);
    }
    throw error;
  }
}

/** A patch applied and validated: the update DTO over every writable property, and which ones changed. */
export interface Patched<T> {
  value: T;
  changed: ReadonlySet<string>;
}

/** A PATCH body as the route's `@PatchBody(UpdateDto)` received it, applied by the service that holds the resource. */
export interface JsonPatch<T extends object> {
  /**
   * Applies the patch to the resource view, maps the result to the update DTO's input (`input`;
   * by default the writable properties as they are) and validates it with the DTO. Only the
   * properties the patch changed answer for their rules, so a value stored before a rule
   * tightened does not block patches of other properties.
   */
  applyTo<V extends object>(view: V, rules: PatchRules<V>, input?: (view: V) => Record<string, unknown>): Patched<T>;
}

class ParsedJsonPatch<T extends object> implements JsonPatch<T> {
  constructor(
    private readonly document: unknown,
    private readonly dto: Type<T>,
  ) {}

  applyTo<V extends object>(view: V, rules: PatchRules<V>, input = (v: V) => pick(v, rules.writable)): Patched<T> {
    const before = input(view);
    const after = input(applyJsonPatch(view, this.document, rules));
    const changed = new Set(rules.writable.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name])));
    const value = plainToInstance(this.dto, after);
    const problem = checkDto(value, changed);
    if (problem) throw ApiError.badRequest(problem.message, { propertyName: problem.property });
    return { value, changed };
  }
}

function pick<V extends object>(view: V, names: readonly (keyof V & string)[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, view[name]]));
}

/** Turns the raw body into a JsonPatch bound to the route's update DTO; see `PatchBody`. */
@Injectable()
export class JsonPatchPipe<T extends object> implements PipeTransform<unknown, JsonPatch<T>> {
  constructor(private readonly dto: Type<T>) {}

  transform(body: unknown): JsonPatch<T> {
    return new ParsedJsonPatch(body, this.dto);
  }
}

/** The body of a PATCH route: an RFC 6902 patch, validated against `dto` once applied (see JsonPatch). */
export const PatchBody = <T extends object>(dto: Type<T>): ParameterDecorator => Body(new JsonPatchPipe(dto));
