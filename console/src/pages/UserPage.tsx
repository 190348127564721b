import { IdentitiesPanel } from '../components/IdentitiesPanel';
import { ErrorMessage, Loading } from '../components/Status';
import { UserDetails } from '../components/UserDetails';
import { getUser } from '../endpoints';
import { roleLabel } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

export function UserPage({ userUid }: { userUid: string }) {
  const { me, readOnly, can, managesOthers } = useSession();
  const user = useLoad(() => getUser(userUid).then((r) => r.data), [userUid]);
  const isSelf = userUid === me.instanceUid;
  // Changing someone else's identities takes a manager (users:write) as well as identities:write.
  const canWrite = can('identities:write') && (isSelf || managesOthers);
  const name = user.data?.userName ?? 'User';

  return (
    <>
      <p>
        <a href="#/users">← All users</a>
      </p>
      <h1>{name}</h1>
      {user.loading && <Loading what="Loading user" />}
      <ErrorMessage message={user.error} onRetry={user.reload} />
      {user.data && <UserDetails user={user.data} />}
      {user.data && !readOnly && !canWrite && (
        <p className="notice" role="note">
          Your role ({roleLabel(me.role)}) can look at {isSelf ? 'your' : 'this user’s'} identities but not change them.
        </p>
      )}
      {can('audit:read') && (
        <p>
          <a href={`#/audit?userUid=${encodeURIComponent(userUid)}`}>Audit log for this user</a>
        </p>
      )}
      <IdentitiesPanel userUid={userUid} title={`Identities of ${name}`} canWrite={canWrite} withTotp={isSelf} />
    </>
  );
}
