import { useState, type FormEvent } from 'react';
import { Pager } from '../components/Pager';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { listAudit, type AuditFilter } from '../endpoints';
import { formatDate, roleLabel } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

const LIMIT = 50;

export function AuditPage({ initialUserUid = '' }: { initialUserUid?: string }) {
  const [offset, setOffset] = useState(0);
  const [filter, setFilter] = useState<AuditFilter>(initialUserUid ? { userUid: initialUserUid } : {});
  const [action, setAction] = useState('');
  const [userUid, setUserUid] = useState(initialUserUid);
  const { me, can } = useSession();
  const allowed = can('audit:read');
  const audit = useLoad(() => (allowed ? listAudit(LIMIT, offset, filter) : Promise.resolve(undefined)), [offset, filter, allowed]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setOffset(0);
    setFilter({ action: action.trim() || undefined, userUid: userUid.trim() || undefined });
  }

  function clear() {
    setAction('');
    setUserUid('');
    setOffset(0);
    setFilter({});
  }

  if (!allowed) {
    return (
      <>
        <h1>Audit log</h1>
        <p className="error" role="alert">
          Your role ({roleLabel(me.role)}) cannot read the audit log.
        </p>
      </>
    );
  }

  const rows = audit.data?.data ?? [];
  return (
    <>
      <h1>Audit log</h1>
      <form className="filters" onSubmit={apply} aria-label="Audit filters">
        <div>
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" value={action} onChange={(e) => setAction(e.target.value)} placeholder="e.g. apikey.create" />
        </div>
        <div>
          <label htmlFor="audit-user">User UID</label>
          <input id="audit-user" value={userUid} onChange={(e) => setUserUid(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={clear}>
            Clear filters
          </button>
        </div>
      </form>
      {audit.loading && <Loading what="Loading audit log" />}
      <ErrorMessage message={audit.error} onRetry={audit.reload} />
      {audit.data && rows.length === 0 && <Empty>No audit entries match.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id}>
                  <td>{formatDate(a.at)}</td>
                  <td>
                    <code>{a.action}</code>
                  </td>
                  <td>
                    <span className={`badge outcome-${a.outcome}`}>{a.outcome}</span>
                  </td>
                  <td>
                    {a.actorName || a.actorUserUid || '—'}
                    {a.identityId ? <span className="muted"> (identity {a.identityId})</span> : null}
                  </td>
                  <td>{a.targetType ? `${a.targetType} ${a.targetId ?? ''}` : '—'}</td>
                  <td>{a.fromAddress || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Audit log" paging={audit.data?.meta?.pagingInfo} limit={LIMIT} offset={offset} onChange={setOffset} />
    </>
  );
}
