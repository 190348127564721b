import { IdentitiesPanel } from '../components/IdentitiesPanel';
import { canChangeIdentities, roleLabel } from '../format';
import { UserDetails } from '../components/UserDetails';
import { useSession } from '../session';

export function ProfilePage() {
  const { me, readOnly } = useSession();
  return (
    <>
      <h1>My profile</h1>
      <UserDetails user={me} />
      {!canChangeIdentities(me.role) && (
        <p className="notice" role="note">
          Your role ({roleLabel(me.role)}) can look at identities but not create or change them.
        </p>
      )}
      <IdentitiesPanel userUid={me.instanceUid} title="My identities" canWrite={!readOnly && canChangeIdentities(me.role)} withTotp />
    </>
  );
}
