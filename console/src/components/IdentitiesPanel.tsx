import { useState } from 'react';
import { listIdentities, setIdentityStatus } from '../endpoints';
import { useAction, useLoad } from '../hooks';
import type { Identity } from '../types';
import { CreateKeyForm } from './CreateKeyForm';
import { IdentityCard, type IdentityAction } from './IdentityCard';
import { DeleteDialog, RenameDialog, RotateDialog } from './IdentityDialogs';
import { SecretReveal } from './SecretReveal';
import { Empty, ErrorMessage, Loading } from './Status';
import { TotpSection } from './TotpSection';

interface Props {
  userUid: string;
  /** Heading text, e.g. "My identities". */
  title: string;
  canWrite: boolean;
  /** Offer TOTP enrolment (only for the signed-in user's own account; any role, not in a read-only session). */
  withTotp?: boolean;
}

const ORDER: Record<string, number> = { VSPC: 0, TOTP: 1, AK: 2 };
const byKind = (a: Identity, b: Identity) => (ORDER[a.identityProviderName] ?? 9) - (ORDER[b.identityProviderName] ?? 9) || a.id - b.id;

export function IdentitiesPanel({ userUid, title, canWrite, withTotp = false }: Props) {
  const identities = useLoad(() => listIdentities(userUid).then((r) => [...r.data].sort(byKind)), [userUid]);
  const toggle = useAction();
  const [creating, setCreating] = useState(false);
  const [dialog, setDialog] = useState<{ action: Exclude<IdentityAction, 'toggle'>; identity: Identity } | null>(null);
  // A newly issued key: held only in state until the user dismisses it.
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const [notice, setNotice] = useState('');

  const reveal = (title: string, identity: Identity) => {
    if (identity.parameters) setSecret({ title, value: identity.parameters });
    identities.reload();
  };

  async function onAction(action: IdentityAction, identity: Identity) {
    setNotice('');
    if (action !== 'toggle') {
      setDialog({ action, identity });
      return;
    }
    const next = identity.status === 'enabled' ? 'disabled' : 'enabled';
    const res = await toggle.run(() => setIdentityStatus(userUid, identity.id, next));
    if (res) {
      setNotice(`“${identity.description || identity.id}” is now ${next}.`);
      identities.reload();
    }
  }

  const closeDialog = () => setDialog(null);
  const all = identities.data ?? [];
  const keys = all.filter((i) => i.identityProviderName === 'AK');
  const others = all.filter((i) => i.identityProviderName !== 'AK');

  return (
    <section aria-labelledby="identities-title">
      <div className="section-head">
        <h2 id="identities-title">{title}</h2>
        <button
          type="button"
          className="primary"
          disabled={!canWrite || creating}
          title={canWrite ? undefined : 'You cannot create keys in this session.'}
          onClick={() => {
            setCreating(true);
            setSecret(null);
          }}
        >
          New API key
        </button>
      </div>

      {secret && <SecretReveal title={secret.title} secret={secret.value} onDone={() => setSecret(null)} />}

      {creating && (
        <CreateKeyForm
          userUid={userUid}
          onCancel={() => setCreating(false)}
          onCreated={(identity) => {
            setCreating(false);
            reveal('API key created', identity);
          }}
        />
      )}

      <ErrorMessage message={toggle.error} />
      <p role="status" aria-live="polite" className="muted">
        {notice}
      </p>

      {identities.loading && !identities.data && <Loading what="Loading identities" />}
      <ErrorMessage message={identities.error} onRetry={identities.reload} />

      {identities.data && (
        <>
          <h3 className="sub">API keys</h3>
          {keys.length === 0 ? (
            <Empty>No API keys yet.</Empty>
          ) : (
            <div className="cards">
              {keys.map((i) => (
                <IdentityCard key={i.id} identity={i} canWrite={canWrite} busy={toggle.busy} onAction={onAction} />
              ))}
            </div>
          )}
          <h3 className="sub">Sign-in identities</h3>
          {others.length === 0 ? (
            <Empty>No password or authenticator identities.</Empty>
          ) : (
            <div className="cards">
              {others.map((i) => (
                <IdentityCard key={i.id} identity={i} canWrite={canWrite} busy={toggle.busy} onAction={onAction} />
              ))}
            </div>
          )}
          {withTotp && <TotpSection userUid={userUid} identities={all} canRemove={canWrite} onChanged={identities.reload} />}
        </>
      )}

      {dialog?.action === 'delete' && (
        <DeleteDialog
          identity={dialog.identity}
          onClose={closeDialog}
          onDone={() => {
            closeDialog();
            setNotice(`“${dialog.identity.description || dialog.identity.id}” was deleted.`);
            identities.reload();
          }}
        />
      )}
      {dialog?.action === 'rotate' && (
        <RotateDialog
          identity={dialog.identity}
          onClose={closeDialog}
          onDone={(updated) => {
            closeDialog();
            if (updated) reveal('API key rotated — new key', updated);
          }}
        />
      )}
      {dialog?.action === 'rename' && (
        <RenameDialog
          identity={dialog.identity}
          onClose={closeDialog}
          onDone={() => {
            closeDialog();
            identities.reload();
          }}
        />
      )}
    </section>
  );
}
