import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { load } from 'js-yaml';
import { expect } from 'vitest';

/**
 * A minimal check of answers against VSPC's component schemas (../shared/vspc), for the TOTP and
 * GraphQL suites until the project's shared conformance helper is in place. Two additions to the
 * published file: `TotpSecret` (left out of it; its facts are in VSPC-FACTS.md §5) and, as the
 * facts note, `UserLogin.usage` dropped from `required` (VSPC lists it but answers without it).
 */
const SCHEMAS_FILE = fileURLToPath(new URL('../../../shared/vspc/vspc-3.5.1-schemas.yaml', import.meta.url));

type Schema = Record<string, unknown> & { required?: string[] };

let validators: Map<string, ValidateFunction> | undefined;

function compile(): Map<string, ValidateFunction> {
  const document = load(readFileSync(SCHEMAS_FILE, 'utf8')) as { components: { schemas: Record<string, Schema> } };
  const schemas = document.components.schemas;
  schemas.TotpSecret = {
    type: 'object',
    required: ['secret', 'secretUrl'],
    properties: { secret: { type: 'string', readOnly: true }, secretUrl: { type: 'string', readOnly: true } },
  };
  schemas.UserLogin.required = schemas.UserLogin.required?.filter((name) => name !== 'usage');
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) <= 2 ** 31 });
  ajv.addSchema({ $id: 'vspc', components: document.components });
  return new Map(Object.keys(schemas).map((name) => [name, ajv.compile({ $ref: `vspc#/components/schemas/${name}` })]));
}

/** Fails the test, listing every violation, unless `value` is a valid VSPC `name`. */
export function expectVspc(name: string, value: unknown): void {
  validators ??= compile();
  const validate = validators.get(name);
  if (!validate) throw new Error(`no VSPC schema named ${name}`);
  const valid = validate(value);
  expect(valid, `${name}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`).toBe(true);
}
