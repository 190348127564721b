import { IsIn, IsString, Matches } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { applyJsonPatch, JsonPatchPipe } from './json-patch.js';

interface View {
  id: number;
  description: string;
  status: string;
}
const rules = { writable: ['description', 'status'] as const, readOnly: ['id'] as const };
const doc: View = { id: 1, description: 'a', status: 'enabled' };

function refusal(patch: unknown): string {
  try {
    applyJsonPatch(doc, patch, rules);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).message;
  }
  throw new Error('patch was accepted');
}

describe('applyJsonPatch', () => {
  it('replaces with case-insensitive property names and leaves the input alone', () => {
    const out = applyJsonPatch(doc, [{ op: 'replace', path: '/Description', value: 'b' }], rules);
    expect(out.description).toBe('b');
    expect(doc.description).toBe('a');
  });

  it('honours test operations', () => {
    expect(applyJsonPatch(doc, [{ op: 'test', path: '/id', value: 1 }, { op: 'replace', path: '/status', value: 'disabled' }], rules).status).toBe('disabled');
    expect(refusal([{ op: 'test', path: '/status', value: 'disabled' }])).toMatch(/test operation failed/);
  });

  it.each([
    [{}, /non-empty JSON Patch array/],
    [[], /non-empty JSON Patch array/],
    [[null], /must be an object/],
    [[{ op: 'jump', path: '/status' }], /op must be one of/],
    [[{ op: 'replace', path: 'status', value: 1 }], /starting with/],
    [[{ op: 'replace', path: '/nope', value: 1 }], /does not exist/],
    [[{ op: 'replace', path: '/id', value: 2 }], /read-only/],
    [[{ op: 'replace', path: '/status' }], /needs a value/],
    [[{ op: 'move', from: '/id', path: '/description' }], /read-only/],
  ])('refuses %j', (patch, message) => {
    expect(refusal(patch)).toMatch(message);
  });
});

describe('JsonPatch.applyTo (through JsonPatchPipe)', () => {
  class UpdateView {
    @IsString()
    @Matches(/^[a-z]+$/, { message: 'description must be lower-case letters' })
    description: string;

    @IsIn(['enabled', 'disabled'])
    status: string;
  }
  const patch = (...operations: object[]) => new JsonPatchPipe(UpdateView).transform(operations);

  it('answers the DTO over the writable properties and which of them changed', () => {
    const { value, changed } = patch({ op: 'replace', path: '/status', value: 'disabled' }).applyTo(doc, rules);
    expect(value).toBeInstanceOf(UpdateView);
    expect(value).toEqual({ description: 'a', status: 'disabled' });
    expect([...changed]).toEqual(['status']);
  });

  it('validates what the patch changed, naming the property', () => {
    expect(() => patch({ op: 'replace', path: '/description', value: 'B' }).applyTo(doc, rules)).toThrow(
      expect.objectContaining({ status: 400, message: 'description must be lower-case letters', field: { propertyName: 'description' } }),
    );
    expect(() => patch({ op: 'remove', path: '/description' }).applyTo(doc, rules)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('leaves alone what the patch did not change, even when it breaks today\'s rule', () => {
    const legacy = { ...doc, description: 'Stored Before' };
    expect(patch({ op: 'replace', path: '/status', value: 'disabled' }).applyTo(legacy, rules).value.status).toBe('disabled');
  });

  it('compares and validates through the view-to-input mapping', () => {
    const input = (view: View) => ({ description: view.description === '' ? 'none' : view.description, status: view.status });
    const { changed } = patch({ op: 'replace', path: '/description', value: '' }).applyTo({ ...doc, description: 'none' }, rules, input);
    expect([...changed]).toEqual([]);
  });
});
