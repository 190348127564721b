import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../hooks';
import { WEBHOOK_EVENTS, type WebhookEvent, type WebhookInput } from '../types';
import { FormActions } from './FormActions';
import { ErrorMessage } from './Status';

export const EVENT_LABELS: Record<WebhookEvent, string> = {
  'key.created': 'Key created',
  'key.updated': 'Key status or policy changed',
  'key.rotated': 'Key rotated',
  'key.deleted': 'Key deleted',
  'key.expiring': 'Key expires in 7 days, and in 1 day',
  'key.expired': 'Key expired',
  'key.leaked': 'Key reported leaked (and disabled)',
  'user.disabled': 'User disabled',
  'company.disabled': 'Company disabled',
};

interface Props {
  initial?: WebhookInput;
  submit: string;
  busyLabel: string;
  onSubmit: (input: WebhookInput) => Promise<unknown>;
  onCancel: () => void;
}

/** A webhook's URL, events, description and state: for creating one and for editing it. */
export function WebhookForm({ initial, submit, busyLabel, onSubmit, onCancel }: Props) {
  const id = useId();
  const [url, setUrl] = useState(initial?.url ?? 'https://');
  const [events, setEvents] = useState<WebhookEvent[]>(initial?.events ?? ['key.leaked', 'key.expiring', 'key.expired']);
  const [description, setDescription] = useState(initial?.description ?? '');
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const { busy, error, setError, run } = useAction();

  const toggle = (event: WebhookEvent, on: boolean) =>
    setEvents((current) => (on ? WEBHOOK_EVENTS.filter((e) => e === event || current.includes(e)) : current.filter((e) => e !== event)));

  async function send(e: FormEvent) {
    e.preventDefault();
    if (events.length === 0) {
      setError('Choose at least one event.');
      return;
    }
    await run(() => onSubmit({ url: url.trim(), events, description: description.trim(), enabled }));
  }

  return (
    <form onSubmit={send} aria-label="Webhook">
      <label htmlFor={`${id}-url`}>URL</label>
      <input id={`${id}-url`} type="url" required maxLength={2048} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://hooks.example.com/latchkey" />
      <fieldset>
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((event) => (
          <label key={event} className="check">
            <input type="checkbox" checked={events.includes(event)} onChange={(e) => toggle(event, e.target.checked)} />
            <span>
              {EVENT_LABELS[event]} <code className="muted">{event}</code>
            </span>
          </label>
        ))}
      </fieldset>
      <label htmlFor={`${id}-description`}>Description (optional)</label>
      <input
        id={`${id}-description`}
        maxLength={128}
        pattern="[^<>=]*"
        title="Up to 128 characters, without < > ="
        value={description}
        onChange={(e) => setDescription(e.target.value)}
      />
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <span>Enabled (send deliveries)</span>
      </label>
      <ErrorMessage message={error} />
      <FormActions busy={busy} submit={submit} busyLabel={busyLabel} onCancel={onCancel} />
    </form>
  );
}
