import { Body, Injectable, type PipeTransform, type Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { ApiError } from './api-error.js';
import { checkDto } from './validation.js';

const { applyPatch, JsonPatchError } = fastJsonPatch;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** `name`, or `name/inner` for a property of a nested object: the paths a patch may name. */
export type PatchPath<T> = {
  [K in keyof T & string]: NonNullable<T[K]> extends readonly unknown[]
    ? K
    : NonNullable<T[K]> extends object
      ? `${K}/${PatchPath<NonNullable<T[K]>>}`
      : K;
}[keyof T & string];

export interface PatchRules<T> {
  /** Properties a patch may change. */
  writable: readonly PatchPath<T>[];
  /** Properties a patch may only `test`; any other op on them is refused. */
  readOnly: readonly PatchPath<T>[];
}

/**
 * Resolve `/Profile/FirstName` to `/profile/firstName`: VSPC names properties case-insensitively.
 * A path below a known property (an array item) keeps its tail; a path naming an object that
 * holds properties is refused, so each property answers for its own rule.
 */
function canonicalPath<T>(path: unknown, rules: PatchRules<T>, opName: string, write: boolean): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 256) {
    throw ApiError.badRequest(`JSON Patch "${opName}" needs a path starting with "/".`, { propertyName: 'path' });
  }
  const segments = path.slice(1).split('/');
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const known = [...rules.writable, ...rules.readOnly].map((name) => (name as string).split('/'));
  const property = known
    .filter((names) => names.length <= segments.length && names.every((name, i) => same(name, segments[i])))
    .sort((a, b) => b.length - a.length)[0];
  const dotted = segments.join('.');
  if (!property) {
    const holds = known.filter((names) => names.length > segments.length && segments.every((segment, i) => same(names[i], segment)));
    if (holds.length) {
      const example = holds.map((names) => `/${names.join('/')}`).slice(0, 3).join(', ');
      throw ApiError.badRequest(`The property at path "${path}" holds other properties; patch them one by one (${example}).`, { propertyName: dotted });
    }
    throw ApiError.badRequest(`The property at path "${path}" does not exist.`, { propertyName: dotted });
  }
  const name = property.join('/');
  if (write && !(rules.writable as readonly string[]).includes(name)) {
    throw ApiError.badRequest(`The property at path "/${name}" is read-only and could not be updated.`, { propertyName: property.join('.') });
  }
  return ['', ...property, ...segments.slice(property.length)].join('/');
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
  /** Dotted paths of the changed properties: `status`, `profile.email`. */
  changed: ReadonlySet<string>;
}

/** A PATCH body as the route's `@PatchBody(UpdateDto)` received it, applied by the service that holds the resource. */
export interface JsonPatch<T extends object> {
  /**
   * Applies the patch to the resource view, maps the result to the update DTO's input (`input`;
   * by default the writable properties as they are, nested as in the view) and validates it with
   * the DTO. Only the properties the patch changed answer for their rules, so a value stored
   * before a rule tightened does not block patches of other properties.
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
    const changed = new Set(differences(before, after));
    const value = plainToInstance(this.dto, after);
    const problem = checkDto(value, changed);
    if (problem) throw ApiError.badRequest(problem.message, { propertyName: problem.property });
    return { value, changed };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Dotted paths whose values differ; nested objects are compared property by property, arrays whole. */
function differences(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((name) => {
    const path = prefix + name;
    const [a, b] = [before[name], after[name]];
    if (isRecord(a) && isRecord(b)) return differences(a, b, `${path}.`);
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
  });
}

/** The writable paths of the view, nested as they are there. */
function pick<V extends object>(view: V, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const names = path.split('/');
    let from: unknown = view;
    let to = out;
    for (const [index, name] of names.entries()) {
      from = isRecord(from) ? from[name] : undefined;
      if (index === names.length - 1) to[name] = from;
      else to = (to[name] ??= {}) as Record<string, unknown>;
    }
  }
  return out;
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
