import { useState } from 'react';
import { deleteIdentity, rotateApiKey, setIdentityDescription } from '../endpoints';
import { useAction } from '../hooks';
import type { Identity } from '../types';
import { Modal } from './Modal';
import { ErrorMessage } from './Status';
import { FormActions } from './FormActions';
import { DescriptionField } from './Fields';

interface DialogProps {
  identity: Identity;
  onClose: () => void;
  onDone: (updated?: Identity) => void;
}

const nameOf = (i: Identity) => i.description || `#${i.id}`;

export function DeleteDialog({ identity, onClose, onDone }: DialogProps) {
  const { busy, error, run } = useAction();
  const isKey = identity.identityProviderName === 'AK';
  const title = isKey ? 'Delete API key' : 'Remove identity';
  return (
    <Modal title={title} onClose={onClose}>
      <p>
        {isKey
          ? `Delete the API key “${nameOf(identity)}”? Anything using it stops working at once. This cannot be undone.`
          : `Remove “${nameOf(identity)}”? This cannot be undone.`}
      </p>
      <ErrorMessage message={error} />
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={async () => {
            const ok = await run(() => deleteIdentity(identity.userUid, identity.id));
            if (ok) onDone();
          }}
        >
          {busy ? 'Deleting…' : isKey ? 'Delete key' : 'Remove'}
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

export function RotateDialog({ identity, onClose, onDone }: DialogProps) {
  const { busy, error, run } = useAction();
  const [grace, setGrace] = useState('3600');
  return (
    <Modal title="Rotate API key" onClose={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const res = await run(() => rotateApiKey(identity.userUid, identity.id, Number(grace)));
          if (res) onDone(res.data);
        }}
      >
        <p>
          A new key replaces “{nameOf(identity)}”. The old key keeps working for the grace period, so you can
          update its users first.
        </p>
        <label htmlFor="grace">Grace period (seconds)</label>
        <input
          id="grace"
          type="number"
          className="short"
          min={0}
          max={2592000}
          step={1}
          required
          value={grace}
          onChange={(e) => setGrace(e.target.value)}
          aria-describedby="grace-help"
        />
        <p id="grace-help" className="muted">
          0 revokes the old key immediately. 3600 = one hour, 86400 = one day.
        </p>
        <ErrorMessage message={error} />
        <FormActions busy={busy} submit="Rotate key" busyLabel="Rotating…" onCancel={onClose} />
      </form>
    </Modal>
  );
}

export function RenameDialog({ identity, onClose, onDone }: DialogProps) {
  const { busy, error, run } = useAction();
  const [description, setDescription] = useState(identity.description);
  return (
    <Modal title="Rename API key" onClose={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const res = await run(() => setIdentityDescription(identity.userUid, identity.id, description.trim()));
          if (res) onDone(res.data);
        }}
      >
        <DescriptionField id="rename-description" value={description} onChange={setDescription} />
        <ErrorMessage message={error} />
        <FormActions busy={busy} submit="Save description" busyLabel="Saving…" onCancel={onClose} />
      </form>
    </Modal>
  );
}
