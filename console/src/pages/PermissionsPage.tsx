import { useState, type FormEvent } from 'react';
import { DescriptionField } from '../components/Fields';
import { FormActions } from '../components/FormActions';
import { Modal } from '../components/Modal';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { createPermission, deletePermission, listPermissions, updatePermission } from '../endpoints';
import { ROLES, roleLabel } from '../format';
import { useAction, useLoad } from '../hooks';
import { useSession } from '../session';
import type { Permission, Role } from '../types';

/** The server's rule for a permission name: `resource:action`, lower case. */
const NAME_PATTERN = '[a-z][a-z0-9\\-]*:[a-z][a-z0-9\\-]*';

function RoleChoices({ legend, roles, onChange }: { legend: string; roles: Role[]; onChange: (roles: Role[]) => void }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {ROLES.map((role) => (
        <label key={role} className="check">
          <input
            type="checkbox"
            checked={roles.includes(role)}
            onChange={(e) => onChange(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))}
          />
          {roleLabel(role)}
        </label>
      ))}
    </fieldset>
  );
}

function CreatePermissionForm({ onCreated, onCancel }: { onCreated: () => void; onCancel: () => void }) {
  const { busy, error, run } = useAction();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const res = await run(() => createPermission({ name: name.trim(), description: description.trim(), roles }));
    if (res) onCreated();
  }

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="create-permission-title">
      <h2 id="create-permission-title">New permission</h2>
      <label htmlFor="permission-name">Name</label>
      <input
        id="permission-name"
        required
        maxLength={64}
        pattern={NAME_PATTERN}
        title="resource:action in lower case, e.g. vm:read"
        placeholder="vm:read"
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-describedby="permission-name-help"
      />
      <p id="permission-name-help" className="muted">
        <code>resource:action</code> in lower case, as your service checks it, e.g. <code>vm:read</code>.
      </p>
      <DescriptionField id="permission-description" value={description} onChange={setDescription} placeholder="e.g. List virtual machines" />
      <RoleChoices legend="Granted to" roles={roles} onChange={setRoles} />
      <ErrorMessage message={error} />
      <FormActions busy={busy} submit="Create permission" busyLabel="Creating…" onCancel={onCancel} />
    </form>
  );
}

function EditPermissionDialog({ permission, onClose, onDone }: { permission: Permission; onClose: () => void; onDone: () => void }) {
  const { busy, error, run } = useAction();
  const [description, setDescription] = useState(permission.description);
  const [roles, setRoles] = useState<Role[]>(permission.roles);
  return (
    <Modal title={`Edit ${permission.name}`} onClose={onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(() => updatePermission(permission.name, description.trim(), roles))) onDone();
        }}
      >
        <DescriptionField id="edit-permission-description" value={description} onChange={setDescription} />
        <RoleChoices legend="Granted to" roles={roles} onChange={setRoles} />
        <p className="muted">Keys and sessions of a role lose a withdrawn permission on their next request.</p>
        <ErrorMessage message={error} />
        <FormActions busy={busy} submit="Save" busyLabel="Saving…" onCancel={onClose} />
      </form>
    </Modal>
  );
}

function DeletePermissionDialog({ permission, onClose, onDone }: { permission: Permission; onClose: () => void; onDone: () => void }) {
  const { busy, error, run } = useAction();
  return (
    <Modal title="Delete permission" onClose={onClose}>
      <p>
        Delete <code>{permission.name}</code>? Every key and session loses it at once, and services that require it refuse them.
      </p>
      <ErrorMessage message={error} />
      <div className="actions">
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={async () => {
            if (await run(() => deletePermission(permission.name))) onDone();
          }}
        >
          {busy ? 'Deleting…' : 'Delete permission'}
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

/** Latchkey's permissions and those defined for your own services; editable with permissions:write. */
export function PermissionsPage() {
  const { can, readOnly, reloadMe } = useSession();
  const editable = can('permissions:write') && !readOnly;
  const permissions = useLoad(() => listPermissions().then((r) => r.data), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Permission | null>(null);
  const [deleting, setDeleting] = useState<Permission | null>(null);
  const rows = permissions.data ?? [];
  const done = () => {
    setCreating(false);
    setEditing(null);
    setDeleting(null);
    permissions.reload();
    // The grants may include the signed-in user's own role.
    void reloadMe();
  };

  return (
    <>
      <h1>Permissions</h1>
      <p className="muted">
        What keys may be given. Latchkey’s own permissions are built in; define your services’ own (such as <code>vm:read</code>) and grant them to
        roles, then mint keys with them.
      </p>
      {!editable && (
        <p className="notice" role="note">
          You can see the permissions but not change them (that needs <code>permissions:write</code>).
        </p>
      )}
      {editable && !creating && (
        <button type="button" className="primary" onClick={() => setCreating(true)}>
          New permission
        </button>
      )}
      {creating && <CreatePermissionForm onCreated={done} onCancel={() => setCreating(false)} />}
      {permissions.loading && <Loading what="Loading permissions" />}
      <ErrorMessage message={permissions.error} onRetry={permissions.reload} />
      {permissions.data && rows.length === 0 && <Empty>No permissions.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Permissions</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Description</th>
                <th scope="col">Granted to</th>
                {editable && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.name}>
                  <td>
                    <code>{p.name}</code> {p.builtIn ? <span className="badge">Built in</span> : <span className="badge">Custom</span>}
                  </td>
                  <td>{p.description}</td>
                  <td>{p.roles.length ? p.roles.map(roleLabel).join(', ') : <span className="muted">No role</span>}</td>
                  {editable && (
                    <td>
                      {!p.builtIn && (
                        <div className="actions">
                          <button type="button" onClick={() => setEditing(p)} aria-label={`Edit ${p.name}`}>
                            Edit
                          </button>
                          <button type="button" className="danger" onClick={() => setDeleting(p)} aria-label={`Delete ${p.name}`}>
                            Delete
                          </button>
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <EditPermissionDialog permission={editing} onClose={() => setEditing(null)} onDone={done} />}
      {deleting && <DeletePermissionDialog permission={deleting} onClose={() => setDeleting(null)} onDone={done} />}
    </>
  );
}
