import { useState } from 'react';
import { Pager } from '../components/Pager';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { EVENT_LABELS, WebhookForm } from '../components/WebhookForm';
import { getWebhook, listDeliveries, redeliver, updateWebhook } from '../endpoints';
import { formatDate } from '../format';
import { useAction, useLoad } from '../hooks';
import { useSession } from '../session';
import type { Delivery } from '../types';

const LIMIT = 25;

/** One webhook: its settings (editable) and its deliveries with their attempts, each of which may be sent again. */
export function WebhookPage({ webhookId }: { webhookId: string }) {
  const { can, readOnly } = useSession();
  const writable = can('webhooks:write') && !readOnly;
  const hook = useLoad(() => getWebhook(webhookId), [webhookId]);
  const [offset, setOffset] = useState(0);
  const deliveries = useLoad(() => listDeliveries(webhookId, LIMIT, offset), [webhookId, offset]);
  const [editing, setEditing] = useState(false);
  const action = useAction();
  const [notice, setNotice] = useState('');
  const data = hook.data?.data;
  const rows = deliveries.data?.data ?? [];

  async function sendAgain(delivery: Delivery) {
    setNotice('');
    const res = await action.run(() => redeliver(webhookId, delivery.id));
    if (res) {
      setNotice(`Delivery of ${delivery.eventType} queued again.`);
      deliveries.reload();
    }
  }

  return (
    <>
      <p>
        <a href="#/webhooks">← All webhooks</a>
      </p>
      <h1>Webhook</h1>
      {hook.loading && <Loading what="Loading webhook" />}
      <ErrorMessage message={hook.error} onRetry={hook.reload} />
      {data && !editing && (
        <section className="card" aria-label="Webhook settings">
          <dl className="fields">
            <div><dt>URL</dt><dd>{data.url}</dd></div>
            <div><dt>State</dt><dd>{data.enabled ? 'Enabled' : 'Disabled'}</dd></div>
            <div><dt>Hears</dt><dd>{data.companyUid ? 'This company' : 'Every tenant'}</dd></div>
            <div><dt>Description</dt><dd>{data.description || '—'}</dd></div>
            <div><dt>Events</dt><dd>{data.events.map((e) => EVENT_LABELS[e]).join(', ')}</dd></div>
            <div><dt>Created</dt><dd>{formatDate(data.createdAt)}</dd></div>
          </dl>
          {writable && (
            <div className="actions">
              <button type="button" onClick={() => setEditing(true)}>Edit webhook</button>
            </div>
          )}
        </section>
      )}
      {data && editing && (
        <section className="card" aria-label="Edit webhook">
          <h2>Edit webhook</h2>
          <WebhookForm
            initial={data}
            submit="Save changes"
            busyLabel="Saving…"
            onCancel={() => setEditing(false)}
            onSubmit={async (input) => {
              await updateWebhook(webhookId, input);
              setEditing(false);
              hook.reload();
            }}
          />
        </section>
      )}
      <div className="section-head">
        <h2>Deliveries</h2>
        <button type="button" onClick={deliveries.reload}>Refresh</button>
      </div>
      <p role="status" aria-live="polite" className="muted">{notice}</p>
      <ErrorMessage message={action.error} />
      {deliveries.loading && <Loading what="Loading deliveries" />}
      <ErrorMessage message={deliveries.error} onRetry={deliveries.reload} />
      {deliveries.data && rows.length === 0 && <Empty>No deliveries yet.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Queued</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} aria-label={`Delivery ${d.eventType}`}>
                  <td>
                    <code>{d.eventType}</code>
                    <div className="muted mono" title="Latchkey-Delivery">{d.id}</div>
                  </td>
                  <td>
                    <span className={`badge delivery-${d.status}`}>{d.status}</span>
                    {d.nextAttemptAt && <div className="muted">next {formatDate(d.nextAttemptAt)}</div>}
                  </td>
                  <td>
                    <ol className="attempts">
                      {d.attempts.map((a) => (
                        <li key={a.number}>
                          {formatDate(a.at)}: {a.succeeded ? `delivered (HTTP ${a.statusCode})` : a.error || 'failed'} <span className="muted">{a.durationMs} ms</span>
                        </li>
                      ))}
                    </ol>
                    {d.attemptCount > d.attempts.length && <div className="muted">{d.attemptCount} attempts in all</div>}
                  </td>
                  <td>{formatDate(d.createdAt)}</td>
                  <td>
                    {writable && (
                      <button type="button" disabled={action.busy} onClick={() => void sendAgain(d)} aria-label={`Redeliver ${d.eventType} ${d.id}`}>
                        Redeliver
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Deliveries" paging={deliveries.data?.meta?.pagingInfo} limit={LIMIT} offset={offset} onChange={setOffset} />
    </>
  );
}
