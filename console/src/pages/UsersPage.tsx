import { useState } from 'react';
import { Pager } from '../components/Pager';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { listUsers } from '../endpoints';
import { fullName, roleLabel } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

const LIMIT = 25;

export function UsersPage() {
  const { me, readOnly, seesOthers, managesOthers } = useSession();
  const [offset, setOffset] = useState(0);
  const allowed = seesOthers || managesOthers;
  const users = useLoad(() => (allowed ? listUsers(LIMIT, offset) : Promise.resolve(undefined)), [offset, allowed]);

  if (!allowed) {
    return (
      <>
        <h1>Users</h1>
        <p className="error" role="alert">
          Your role ({roleLabel(me.role)}) cannot see or manage other users.
        </p>
      </>
    );
  }

  const rows = users.data?.data ?? [];
  return (
    <>
      <h1>Users</h1>
      <p className="muted">
        Users of {me.companyName || 'your organization'}.{' '}
        {managesOthers && !readOnly ? 'Open a user to see and manage their identities.' : 'Open a user to see their identities.'}
      </p>
      {!managesOthers && !readOnly && (
        <p className="notice" role="note">
          Your role ({roleLabel(me.role)}) can look at other users and their identities but not change them.
        </p>
      )}
      {users.loading && <Loading what="Loading users" />}
      <ErrorMessage message={users.error} onRetry={users.reload} />
      {users.data && rows.length === 0 && <Empty>No users found.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User name</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Company</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((u) => (
                <tr key={u.instanceUid}>
                  <td>
                    <a href={`#/users/${encodeURIComponent(u.instanceUid)}`}>{u.userName}</a>
                    {u.isService && <span className="badge">Service</span>}
                  </td>
                  <td>{fullName(u)}</td>
                  <td>{roleLabel(u.role)}</td>
                  <td>{u.companyName}</td>
                  <td>{u.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Users" paging={users.data?.meta?.pagingInfo} limit={LIMIT} offset={offset} onChange={setOffset} />
    </>
  );
}
