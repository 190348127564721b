import { describe, expect, it } from 'vitest';
import { sessionPrincipal } from '../../access/principals.js';
import { RolePermissions } from '../../access/role-permissions.js';
import type { AuditRecord, AuditService } from '../../audit/audit.service.js';
import { AuthEvents, type Refusal } from '../auth-events.js';
import { RefusalAuditListener } from './refusal-audit.listener.js';

const alice = sessionPrincipal({ instanceUid: 'u1', userName: 'alice', role: 'CompanyLocationUser', status: 'Enabled', company: { instanceUid: 'c1', status: 'Active' } }, false, RolePermissions.BUILT_IN);

function audited(refusal: Omit<Refusal, 'allow' | 'address' | 'method' | 'url'>): AuditRecord[] {
  const records: AuditRecord[] = [];
  const events = new AuthEvents();
  new RefusalAuditListener(events, { defer: (record: AuditRecord) => void records.push(record) } as AuditService);
  void events.refused({ allow: false, address: '10.0.0.1', method: 'POST', url: '/api/v3/users?secret=lk_x', ...refusal });
  return records;
}

describe('RefusalAuditListener', () => {
  it('audits a missing or unknown credential as auth.failed, naming no actor and no query string', () => {
    expect(audited({ status: 401, code: 'UNAUTHENTICATED', reason: 'A valid access token or API key is required.', principal: null })).toEqual([
      {
        action: 'auth.failed',
        outcome: 'failure',
        actor: null,
        companyUid: null,
        fromAddress: '10.0.0.1',
        details: { reason: 'no valid credential', method: 'POST', path: '/api/v3/users' },
      },
    ]);
  });

  it('audits a refused valid credential as auth.denied, with its principal, tenant and reason', () => {
    const [record] = audited({ status: 403, code: 'READ_ONLY', reason: 'The credential is read-only.', principal: alice });
    expect(record).toMatchObject({ action: 'auth.denied', actor: alice, companyUid: 'c1', details: { reason: 'The credential is read-only.' } });
  });

  it('audits a disabled credential as auth.failed with its reason', () => {
    const [record] = audited({ status: 401, code: 'DISABLED', reason: 'The credential is disabled.', principal: alice });
    expect(record).toMatchObject({ action: 'auth.failed', actor: alice, details: { reason: 'The credential is disabled.' } });
  });
});
