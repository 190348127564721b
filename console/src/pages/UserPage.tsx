import { IdentitiesPanel } from '../components/IdentitiesPanel';
import { ErrorMessage, Loading } from '../components/Status';
import { UserDetails } from '../components/UserDetails';
import { getUser } from '../endpoints';
import { canChangeIdentities, canManageOthers, canReadAudit } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

export function UserPage({ userUid }: { userUid: string }) {
  const { me, readOnly } = useSession();
  const user = useLoad(() => getUser(userUid).then((r) => r.data), [userUid]);
  const isSelf = userUid === me.instanceUid;
  const canWrite = !readOnly && canChangeIdentities(me.role) && (isSelf || canManageOthers(me.role));
  const name = user.data?.login ?? 'User';

  return (
    <>
      <p>
        <a href="#/users">← All users</a>
      </p>
      <h1>{name}</h1>
      {user.loading && <Loading what="Loading user" />}
      <ErrorMessage message={user.error} onRetry={user.reload} />
      {user.data && <UserDetails user={user.data} />}
      {canReadAudit(me.role) && (
        <p>
          <a href={`#/audit?userUid=${encodeURIComponent(userUid)}`}>Audit log for this user</a>
        </p>
      )}
      <IdentitiesPanel userUid={userUid} title={`Identities of ${name}`} canWrite={canWrite} withTotp={isSelf} />
    </>
  );
}
