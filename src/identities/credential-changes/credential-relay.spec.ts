import { describe, expect, it } from 'vitest';
import { EVERYTHING } from './credential-changes.js';
import { merge } from './credential-relay.js';

describe('merge: one announcement per transaction', () => {
  it('joins the lists and owners of several flushes', () => {
    expect(
      merge([
        { kind: 'changed', identities: [1, 2], users: ['u1'], companies: [], owners: { identities: { 1: 'c1' }, users: { u1: 'c1' } } },
        { kind: 'changed', identities: [2, 3], users: [], companies: ['c2'], permissions: ['vm:read'] },
      ]),
    ).toEqual({ kind: 'changed', identities: [1, 2, 3], users: ['u1'], companies: ['c2'], permissions: ['vm:read'], owners: { identities: { 1: 'c1' }, users: { u1: 'c1' } } });
  });

  it('is "everything" when any part is', () => {
    expect(merge([{ kind: 'changed', identities: [1], users: [], companies: [] }, EVERYTHING])).toEqual(EVERYTHING);
  });

  it('keeps a single change as it is', () => {
    const change = { kind: 'changed' as const, identities: [7], users: [], companies: [] };
    expect(merge([change])).toBe(change);
  });
});
