import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { expect } from 'vitest';

/**
 * VSPC's component schemas (test/vspc/vspc-3.5.1-schemas.yaml) as validators: a Latchkey answer
 * shared with VSPC must validate against them, extra properties allowed (VSPC's schemas allow
 * them, and Latchkey's extensions are such).
 */
const SCHEMAS_FILE = new URL('../vspc/vspc-3.5.1-schemas.yaml', import.meta.url);

export type VspcSchema =
  | 'User'
  | 'UserRole'
  | 'UserProfile'
  | 'UserInput'
  | 'Credentials'
  | 'CredentialsInfo'
  | 'UserLogin'
  | 'OAuth2Result'
  | 'OAuth2Error'
  | 'About'
  | 'Provider'
  | 'JsonPatch'
  | 'ErrorResponse'
  | 'ResponseError'
  | 'ResponseMetadata';

interface Document {
  components: { schemas: Record<string, Record<string, unknown>> };
}

/**
 * Where the published document contradicts itself, the smallest correction, each with its reason.
 * `UserLogin` lists `usage` as required but defines no such property (no type, no meaning), and
 * the client generated from the same document does not require it; Latchkey does not invent one.
 */
function corrected(document: Document): Document {
  const login = document.components.schemas.UserLogin as { required: string[]; properties: Record<string, unknown> };
  if (!('usage' in login.properties)) login.required = login.required.filter((name) => name !== 'usage');
  return document;
}

let validators: Map<VspcSchema, ValidateFunction> | undefined;
let loaded: Document | undefined;

function document(): Document {
  loaded ??= corrected(parse(readFileSync(SCHEMAS_FILE, 'utf8')) as Document);
  return loaded;
}

/** VSPC's schema as published (after the corrections above), to compare documents with. */
export function vspcSchema(name: VspcSchema): Record<string, unknown> {
  return structuredClone(document().components.schemas[name]);
}

function validator(name: VspcSchema): ValidateFunction {
  if (!validators) {
    const schemas = document();
    // The document's own annotations are known keywords, so strict mode still catches typos.
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    ajv.addVocabulary(['components', 'x-extensible-enum', 'x-ms-enum', 'x-veeam-expandable', 'x-name', 'externalDocs']);
    (addFormatsModule as unknown as (ajv: Ajv) => Ajv)(ajv);
    ajv.addSchema({ $id: 'vspc', ...schemas });
    validators = new Map();
    for (const schema of Object.keys(schemas.components.schemas) as VspcSchema[]) {
      validators.set(schema, ajv.compile({ $ref: `vspc#/components/schemas/${schema}` }));
    }
  }
  const found = validators.get(name);
  if (!found) throw new Error(`no VSPC schema ${name}`);
  return found;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`).join('; ');
}

/** The errors of `value` against VSPC's schema, or [] when it conforms. */
export function vspcErrors(name: VspcSchema, value: unknown): string[] {
  const validate = validator(name);
  return validate(value) ? [] : describeErrors(validate.errors).split('; ');
}

/** `value` conforms to VSPC's schema `name`. */
export function expectVspc(name: VspcSchema, value: unknown, label: string = name): void {
  expect(vspcErrors(name, value), `${label} against VSPC's ${name}: ${JSON.stringify(value)}`).toEqual([]);
}

/** A success envelope of one `name`: `{ data, meta?, errors? }`. */
export function expectVspcOne(name: VspcSchema, body: { data?: unknown; meta?: unknown; errors?: unknown }, label: string = name): void {
  expect(body.data, `${label}: data`).toBeDefined();
  expectVspc(name, body.data, label);
  if (body.meta !== undefined) expectVspc('ResponseMetadata', body.meta, `${label} meta`);
  if (body.errors !== undefined && body.errors !== null) expectVspc('ErrorResponse', { errors: body.errors }, `${label} errors`);
}

/** A collection envelope: every item a `name`, and VSPC's paging information. */
export function expectVspcPage(name: VspcSchema, body: { data?: unknown; meta?: unknown }, label: string = name): void {
  expect(Array.isArray(body.data), `${label}: data is a list`).toBe(true);
  (body.data as unknown[]).forEach((item, index) => expectVspc(name, item, `${label}[${index}]`));
  expectVspc('ResponseMetadata', body.meta, `${label} meta`);
  expect((body.meta as { pagingInfo?: unknown }).pagingInfo, `${label} pagingInfo`).toBeDefined();
}

/** A failure in VSPC's `ErrorResponse`, every error of it a `ResponseError`. */
export function expectVspcError(body: unknown, label = 'error'): void {
  expectVspc('ErrorResponse', body, label);
  expect((body as { errors?: unknown[] }).errors?.length, `${label}: at least one error`).toBeGreaterThan(0);
}
