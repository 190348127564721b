import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { applySelect, parseSelect } from './selection.js';

const shape = { id: true, name: true, profile: { email: true, phone: true }, tags: true } as const;
const select = (...paths: string[]) => JSON.stringify(paths.map((propertyPath) => ({ propertyPath })));

describe('select', () => {
  it('resolves dotted paths case-insensitively and answers only them', () => {
    const paths = parseSelect(select('ID', 'profile.Email'), shape)!;
    expect(paths).toEqual([['id'], ['profile', 'email']]);
    expect(applySelect({ id: 1, name: 'n', profile: { email: null, phone: 'p' }, tags: ['a'] }, paths)).toEqual({ id: 1, profile: { email: null } });
  });

  it('keeps a whole object selected beside one of its properties, in either order', () => {
    const item = { id: 1, name: 'n', profile: { email: 'e', phone: 'p' }, tags: [] };
    expect(applySelect(item, parseSelect(select('profile', 'profile.email'), shape)!)).toEqual({ profile: { email: 'e', phone: 'p' } });
    expect(applySelect(item, parseSelect(select('profile.email', 'profile'), shape)!)).toEqual({ profile: { email: 'e', phone: 'p' } });
  });

  it('means everything when absent', () => {
    expect(parseSelect(undefined, shape)).toBeUndefined();
    expect(parseSelect('', shape)).toBeUndefined();
  });

  it.each([['not json'], ['[]'], [select('secret')], [select('tags.length')], [select('profile.nope')], ['[{"propertyPath":5}]'], [select(...Array(51).fill('id'))]])(
    'refuses %s, naming the parameter',
    (raw) => {
      expect(() => parseSelect(raw, shape)).toThrow(expect.objectContaining({ status: 400, field: { parameterName: 'select' } }));
      expect(() => parseSelect(raw, shape)).toThrow(ApiError);
    },
  );
});
