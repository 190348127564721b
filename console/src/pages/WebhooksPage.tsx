import { useState } from 'react';
import { Modal } from '../components/Modal';
import { SecretReveal } from '../components/SecretReveal';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { EVENT_LABELS, WebhookForm } from '../components/WebhookForm';
import { createWebhook, deleteWebhook, listWebhooks } from '../endpoints';
import { formatDate } from '../format';
import { useAction, useLoad } from '../hooks';
import { useSession } from '../session';
import type { NewWebhook, Webhook } from '../types';

const SECRET_WARNING =
  'Copy this signing secret now. It will not be shown again. Your receiver needs it to check the Latchkey-Signature header of each delivery.';

/** The webhooks the caller may manage: list, add (the signing secret shown once), delete; each links to its deliveries. */
export function WebhooksPage() {
  const { can, readOnly } = useSession();
  const writable = can('webhooks:write') && !readOnly;
  const hooks = useLoad(() => listWebhooks(), []);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<NewWebhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const rows = hooks.data?.data ?? [];

  return (
    <>
      <div className="section-head">
        <h1>Webhooks</h1>
        {writable && !adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add webhook
          </button>
        )}
      </div>
      <p className="muted">Latchkey posts signed JSON to these URLs when keys, users or companies change. See docs/webhooks.md to check signatures.</p>
      {created && (
        <SecretReveal
          title={`Webhook created: ${created.url}`}
          what="Signing secret"
          warning={SECRET_WARNING}
          secret={created.secret}
          onDone={() => setCreated(null)}
        />
      )}
      {adding && (
        <section className="card" aria-label="New webhook">
          <h2>New webhook</h2>
          <WebhookForm
            submit="Create webhook"
            busyLabel="Creating…"
            onCancel={() => setAdding(false)}
            onSubmit={async (input) => {
              const res = await createWebhook(input);
              setAdding(false);
              setCreated(res.data);
              hooks.reload();
            }}
          />
        </section>
      )}
      {hooks.loading && <Loading what="Loading webhooks" />}
      <ErrorMessage message={hooks.error} onRetry={hooks.reload} />
      {hooks.data && rows.length === 0 && <Empty>No webhooks yet.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Webhooks</caption>
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Hears</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((hook) => (
                <tr key={hook.id}>
                  <td>
                    <a href={`#/webhooks/${encodeURIComponent(hook.id)}`}>{hook.url}</a>
                    {hook.description && <div className="muted">{hook.description}</div>}
                  </td>
                  <td>{hook.events.map((e) => <div key={e} title={EVENT_LABELS[e]}><code>{e}</code></div>)}</td>
                  <td>
                    <span className={`badge status-${hook.enabled ? 'enabled' : 'disabled'}`}>{hook.enabled ? 'Enabled' : 'Disabled'}</span>
                  </td>
                  <td>{hook.companyUid ? 'This company' : 'Every tenant'}</td>
                  <td>{formatDate(hook.createdAt)}</td>
                  <td>
                    <a href={`#/webhooks/${encodeURIComponent(hook.id)}`}>Deliveries</a>
                    {writable && (
                      <button type="button" className="link" onClick={() => setDeleting(hook)} aria-label={`Delete webhook ${hook.url}`}>
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deleting && <DeleteWebhookDialog hook={deleting} onClose={() => setDeleting(null)} onDone={() => { setDeleting(null); hooks.reload(); }} />}
    </>
  );
}

function DeleteWebhookDialog({ hook, onClose, onDone }: { hook: Webhook; onClose: () => void; onDone: () => void }) {
  const { busy, error, run } = useAction();
  return (
    <Modal title="Delete webhook" onClose={onClose}>
      <p>Delete the webhook to {hook.url}? Its pending deliveries are dropped. This cannot be undone.</p>
      <ErrorMessage message={error} />
      <div className="actions">
        <button type="button" className="danger" disabled={busy} onClick={async () => (await run(() => deleteWebhook(hook.id))) && onDone()}>
          {busy ? 'Deleting…' : 'Delete webhook'}
        </button>
        <button type="button" onClick={onClose} disabled={busy}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
