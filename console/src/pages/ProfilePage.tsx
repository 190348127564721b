import { IdentitiesPanel } from '../components/IdentitiesPanel';
import { UserDetails } from '../components/UserDetails';
import { useSession } from '../session';

export function ProfilePage() {
  const { me, readOnly } = useSession();
  return (
    <>
      <h1>My profile</h1>
      <UserDetails user={me} />
      <IdentitiesPanel userUid={me.instanceUid} title="My identities" canWrite={!readOnly} withTotp />
    </>
  );
}
