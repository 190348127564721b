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

describe('JSON Patch on nested properties', () => {
  interface Nested {
    id: number;
    status: string;
    profile: { name: string | null; email: string | null };
    credentials: { userName: string; password: string | null };
  }
  const view: Nested = { id: 1, status: 'Enabled', profile: { name: 'a', email: null }, credentials: { userName: 'u', password: null } };
  const nested = {
    writable: ['status', 'profile/name', 'profile/email', 'credentials/password'] as const,
    readOnly: ['id', 'credentials/userName'] as const,
  };
  const apply = (...patch: object[]) => applyJsonPatch(view, patch, nested);
  const refusal = (...patch: object[]) => {
    try {
      apply(...patch);
    } catch (error) {
      return error as ApiError;
    }
    throw new Error('patch was accepted');
  };

  it('resolves every segment case-insensitively', () => {
    expect(apply({ op: 'replace', path: '/Profile/NAME', value: 'b' }).profile).toEqual({ name: 'b', email: null });
    expect(apply({ op: 'remove', path: '/profile/name' }).profile).toEqual({ email: null });
  });

  it('refuses a read-only nested property, naming its path', () => {
    const error = refusal({ op: 'replace', path: '/credentials/UserName', value: 'x' });
    expect(error.message).toBe('The property at path "/credentials/userName" is read-only and could not be updated.');
    expect(error.field).toEqual({ propertyName: 'credentials.userName' });
  });

  it('refuses a whole object that holds properties, and paths that do not exist', () => {
    expect(refusal({ op: 'replace', path: '/profile', value: {} }).message).toMatch(/holds other properties; patch them one by one \(\/profile\/name/);
    expect(refusal({ op: 'add', path: '/profile/status', value: 'x' }).message).toBe('The property at path "/profile/status" does not exist.');
    expect(refusal({ op: 'move', from: '/credentials/userName', path: '/profile/name' }).message).toMatch(/read-only/);
  });

  it('reports changed nested properties by dotted path', () => {
    class NestedDto {
      status: string;
      profile: { name: string | null; email: string | null };
      credentials: { password: string | null };
    }
    const { changed } = new JsonPatchPipe(NestedDto).transform([{ op: 'replace', path: '/profile/email', value: 'e@x.io' }, { op: 'replace', path: '/credentials/password', value: 'p' }]).applyTo(view, nested);
    expect([...changed].sort()).toEqual(['credentials.password', 'profile.email']);
  });
});
