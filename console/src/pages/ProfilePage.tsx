import { IdentitiesPanel } from '../components/IdentitiesPanel';
import { roleLabel } from '../format';
import { UserDetails } from '../components/UserDetails';
import { useSession } from '../session';

export function ProfilePage() {
  const { me, readOnly, can } = useSession();
  const canWrite = can('identities:write');
  return (
    <>
      <h1>My profile</h1>
      <UserDetails user={me} />
      {/* A read-only session has its own notice; this one is about the role. */}
      {!readOnly && !canWrite && (
        <p className="notice" role="note">
          Your role ({roleLabel(me.role)}) can look at identities but not create or change them.
        </p>
      )}
      <IdentitiesPanel userUid={me.instanceUid} title="My identities" canWrite={canWrite} withTotp />
    </>
  );
}
