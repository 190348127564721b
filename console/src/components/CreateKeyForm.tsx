import { useState, type FormEvent } from 'react';
import { createApiKey, listPermissions } from '../endpoints';
import { useAction, useLoad } from '../hooks';
import { lines, SCOPE_LABELS } from '../format';
import type { Identity, NewApiKey, Scope } from '../types';
import { ErrorMessage, Loading } from './Status';
import { FormActions } from './FormActions';
import { DescriptionField } from './Fields';
import { useSession } from '../session';

/** VSPC: description is 1–128 characters without < > =. */
const SCOPES: Scope[] = ['rest', 'integration', 'ui'];

interface Props {
  userUid: string;
  onCreated: (identity: Identity) => void;
  onCancel: () => void;
}

/** Expiry is chosen as a date; the key expires at the end of that day (local time). */
function endOfDay(date: string): string {
  return new Date(`${date}T23:59:59`).toISOString();
}

const today = () => {
  const d = new Date();
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 10);
};

export function CreateKeyForm({ userUid, onCreated, onCancel }: Props) {
  const { can } = useSession();
  const permissions = useLoad(() => listPermissions().then((r) => r.data), []);
  const groups = [
    { title: 'Latchkey', items: permissions.data?.filter((p) => p.builtIn) ?? [] },
    { title: 'Your services', items: permissions.data?.filter((p) => !p.builtIn) ?? [] },
  ].filter((group) => group.items.length);
  const { busy, error, setError, run } = useAction();
  const [description, setDescription] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['rest']);
  const [readOnly, setReadOnly] = useState(false);
  const [chosen, setChosen] = useState<string[]>([]);
  const [paths, setPaths] = useState('');
  const [ownOnly, setOwnOnly] = useState(false);
  const [expiry, setExpiry] = useState('');
  const [ips, setIps] = useState('');

  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (scopes.length === 0) {
      setError('Choose at least one surface the key may be used on.');
      return;
    }
    const body: NewApiKey = { description: description.trim(), scopes, isReadAccessOnly: readOnly };
    if (chosen.length) body.permissions = chosen;
    if (lines(paths).length) body.pathPrefixes = lines(paths);
    if (ownOnly) body.ownObjectsOnly = true;
    if (expiry) body.expirationDate = endOfDay(expiry);
    if (lines(ips).length) body.allowedIps = lines(ips);
    const res = await run(() => createApiKey(userUid, body));
    if (res) onCreated(res.data);
  }

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="create-key-title">
      <h3 id="create-key-title">New API key</h3>

      <DescriptionField id="key-description" value={description} onChange={setDescription} placeholder="e.g. Backup script on build server" />

      <fieldset>
        <legend>Surfaces</legend>
        {SCOPES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(toggle(scopes, s, e.target.checked))} />
            {SCOPE_LABELS[s]} <span className="muted">({s})</span>
          </label>
        ))}
      </fieldset>

      <label className="check">
        <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
        Read-only (GET requests only)
      </label>

      <fieldset>
        <legend>Permissions</legend>
        <p className="muted">Leave all unchecked for the key to act with all of the user’s permissions.</p>
        {permissions.loading && <Loading what="Loading permissions" />}
        <ErrorMessage message={permissions.error} onRetry={permissions.reload} />
        {groups.map((group) => (
          <div key={group.title} role="group" aria-label={`${group.title} permissions`}>
            <p className="muted">{group.title}</p>
            <div className="perm-grid">
              {group.items.map((p) => (
                <label key={p.name} className="check">
                  {/* A key never gets more than its creator holds: the others cannot be chosen. */}
                  <input
                    type="checkbox"
                    checked={chosen.includes(p.name)}
                    disabled={!can(p.name)}
                    onChange={(e) => setChosen(toggle(chosen, p.name, e.target.checked))}
                  />
                  <span>
                    <code>{p.name}</code>
                    {p.description && <span className="muted"> — {p.description}</span>}
                    {!can(p.name) && <span className="muted"> (you do not hold it)</span>}
                  </span>
                </label>
              ))}
            </div>
          </div>
        ))}
      </fieldset>

      <label htmlFor="key-paths">Path prefixes (optional, one per line)</label>
      <textarea id="key-paths" rows={2} value={paths} onChange={(e) => setPaths(e.target.value)} aria-describedby="key-paths-help" />
      <p id="key-paths-help" className="muted">
        e.g. <code>/api/v3/users</code>; start with <code>=</code> for one exact path.
      </p>

      <label className="check">
        <input type="checkbox" checked={ownOnly} onChange={(e) => setOwnOnly(e.target.checked)} />
        Own objects only
      </label>

      <label htmlFor="key-expiry">Expires on (optional)</label>
      <input id="key-expiry" type="date" min={today()} value={expiry} onChange={(e) => setExpiry(e.target.value)} aria-describedby="key-expiry-help" />
      <p id="key-expiry-help" className="muted">Leave empty for a key that never expires.</p>

      <label htmlFor="key-ips">Allowed addresses (optional, one per line)</label>
      <textarea id="key-ips" rows={2} value={ips} onChange={(e) => setIps(e.target.value)} placeholder={'203.0.113.7\n10.0.0.0/8'} />

      <ErrorMessage message={error} />
      <FormActions busy={busy} submit="Create key" busyLabel="Creating…" onCancel={onCancel} />
    </form>
  );
}
