import { formatDate, fullName, roleLabel } from '../format';
import type { User } from '../types';

export function UserDetails({ user }: { user: User }) {
  return (
    <dl className="fields card" aria-label="User details">
      <div className="field">
        <dt>Name</dt>
        <dd>{fullName(user)}</dd>
      </div>
      <div className="field">
        <dt>User name</dt>
        <dd>{user.userName}</dd>
      </div>
      <div className="field">
        <dt>Email</dt>
        <dd>{user.profile.email ?? '—'}</dd>
      </div>
      <div className="field">
        <dt>Role</dt>
        <dd>
          {roleLabel(user.role)}
          {user.isService && ' (service user)'}
        </dd>
      </div>
      <div className="field">
        <dt>Company</dt>
        <dd>{user.companyName || '—'}</dd>
      </div>
      <div className="field">
        <dt>Status</dt>
        <dd>{user.status}</dd>
      </div>
      <div className="field">
        <dt>Two-factor sign-in</dt>
        <dd>{user.mfaPolicyStatus === 'Enabled' ? 'Required (authenticator app)' : 'Off'}</dd>
      </div>
      <div className="field">
        <dt>Created</dt>
        <dd>{formatDate(user.creationDate)}</dd>
      </div>
    </dl>
  );
}
