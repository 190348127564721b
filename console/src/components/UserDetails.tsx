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
        <dt>Login</dt>
        <dd>{user.login}</dd>
      </div>
      <div className="field">
        <dt>Email</dt>
        <dd>{user.email || '—'}</dd>
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
        <dt>Created</dt>
        <dd>{formatDate(user.creationDate)}</dd>
      </div>
    </dl>
  );
}
