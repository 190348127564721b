import { useId, type ReactNode } from 'react';
import { formatDate, isExpired, PROVIDER_LABELS, SCOPE_LABELS, STATUS_LABELS } from '../format';
import type { Identity } from '../types';

export type IdentityAction = 'toggle' | 'rename' | 'rotate' | 'delete';

interface Props {
  identity: Identity;
  /** Whether the signed-in session may change this identity. */
  canWrite: boolean;
  busy: boolean;
  onAction: (action: IdentityAction, identity: Identity) => void;
}

function Field({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const list = (items: string[], empty: string) => (items.length ? items.join(', ') : empty);

export function IdentityCard({ identity: i, canWrite, busy, onAction }: Props) {
  const headingId = useId();
  const kind = PROVIDER_LABELS[i.identityProviderName] ?? i.identityProviderName;
  const name = i.description || kind;
  const isKey = i.identityProviderName === 'AK';
  const isTotp = i.identityProviderName === 'TOTP';
  const inherited = i.status === 'disabledDueToUser' || i.status === 'disabledDueToCompany';
  const expired = isExpired(i);
  const readOnlyReason = canWrite ? undefined : 'You cannot change this identity in this session.';

  return (
    <article className="card identity" aria-labelledby={headingId}>
      <header className="card-head">
        <h3 id={headingId}>{name}</h3>
        <span className={`badge status-${i.status}`}>{STATUS_LABELS[i.status] ?? i.status}</span>
        {expired && <span className="badge status-disabled">Expired</span>}
      </header>
      <dl className="fields">
        <Field term="Type">{kind}</Field>
        {isKey && <Field term="Key">{i.keyPrefix ? <code>{i.keyPrefix}…</code> : '—'}</Field>}
        <Field term="Created">{formatDate(i.creationDate)}</Field>
        {isKey && (
          <>
            <Field term="Last used">
              {i.lastUsedAt ? `${formatDate(i.lastUsedAt)}${i.lastUsedFrom ? ` from ${i.lastUsedFrom}` : ''}` : 'Never'}
            </Field>
            <Field term="Expires">{formatDate(i.expirationDate, 'Never')}</Field>
            <Field term="Surfaces">{list(i.scopes.map((s) => SCOPE_LABELS[s] ?? s), 'None')}</Field>
            <Field term="Access">{i.isReadAccessOnly ? 'Read-only' : 'Read and write'}</Field>
            <Field term="Permissions">{list(i.permissions, 'All of the user’s permissions')}</Field>
            {i.pathPrefixes.length > 0 && <Field term="Paths">{list(i.pathPrefixes, '')}</Field>}
            {i.allowedIps.length > 0 && <Field term="Allowed addresses">{list(i.allowedIps, '')}</Field>}
            {i.ownObjectsOnly && <Field term="Scope">Own objects only</Field>}
          </>
        )}
      </dl>
      {(isKey || isTotp) && (
        <div className="actions">
          {isKey && (
            <button
              type="button"
              disabled={!canWrite || busy || inherited}
              title={inherited ? 'Disabled because its user or company is disabled.' : readOnlyReason}
              aria-label={`${i.status === 'enabled' ? 'Disable' : 'Enable'} ${name}`}
              onClick={() => onAction('toggle', i)}
            >
              {i.status === 'enabled' ? 'Disable' : 'Enable'}
            </button>
          )}
          {isKey && (
            <button type="button" disabled={!canWrite || busy} title={readOnlyReason} aria-label={`Rename ${name}`} onClick={() => onAction('rename', i)}>
              Rename
            </button>
          )}
          {isKey && (
            <button type="button" disabled={!canWrite || busy} title={readOnlyReason} aria-label={`Rotate ${name}`} onClick={() => onAction('rotate', i)}>
              Rotate
            </button>
          )}
          <button
            type="button"
            className="danger"
            disabled={!canWrite || busy}
            title={readOnlyReason}
            aria-label={`${isKey ? 'Delete' : 'Remove'} ${name}`}
            onClick={() => onAction('delete', i)}
          >
            {isKey ? 'Delete' : 'Remove'}
          </button>
        </div>
      )}
    </article>
  );
}
