import { describe, expect, it } from 'vitest';
import { keyPrincipal } from '../../access/principals.js';
import { RolePermissions } from '../../access/role-permissions.js';
import type { LastUsedRecorder } from '../../identities/last-used.recorder.js';
import { AuthEvents } from '../auth-events.js';
import { KeyUseListener } from './key-use.listener.js';

const key = keyPrincipal({
  id: 7,
  status: 'enabled',
  scopes: ['rest'],
  isReadAccessOnly: false,
  pathPrefixes: [],
  ownObjectsOnly: false,
  allowedIps: [],
  user: { instanceUid: 'u1', userName: 'alice', role: 'CompanyLocationUser', status: 'Enabled', company: { instanceUid: 'c1', status: 'Active' } },
}, RolePermissions.BUILT_IN);

describe('KeyUseListener', () => {
  it('hands each allowed key request to the recorder synchronously, on the request path', () => {
    const recorded: unknown[] = [];
    const events = new AuthEvents();
    new KeyUseListener(events, { record: (principal: unknown) => void recorded.push(principal) } as unknown as LastUsedRecorder);
    events.keyUsed(key);
    expect(recorded).toEqual([key]);
  });
});
