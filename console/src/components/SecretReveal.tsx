import { useId, useRef, useState } from 'react';

interface Props {
  title: string;
  secret: string;
  onDone: () => void;
  /** What the secret is, in the labels ("API key" unless told). */
  what?: string;
  /** Why it is shown once; by default, that only a one-way hash is kept. */
  warning?: string;
}

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the legacy path
  }
  if (!input) return false;
  input.focus();
  input.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/** Shows a newly issued secret (a key, a signing secret) exactly once. It lives only in this component's props. */
export function SecretReveal({ title, secret, onDone, what = 'API key', warning = 'Copy this key now. It will not be shown again — Latchkey keeps only a one-way hash of it.' }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  return (
    <section className="secret" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      <p className="warning" role="alert">
        {warning}
      </p>
      <label htmlFor={`${id}-value`}>{what}</label>
      <div className="secret-row">
        <input
          id={`${id}-value`}
          ref={input}
          className="mono"
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          onClick={async () => setCopyState((await copyText(secret, input.current)) ? 'copied' : 'failed')}
        >
          Copy {what === 'API key' ? 'key' : what.toLowerCase()}
        </button>
      </div>
      <p role="status" aria-live="polite" className="muted">
        {copyState === 'copied' && 'Copied to the clipboard.'}
        {copyState === 'failed' && `Could not copy automatically — select the ${what.toLowerCase()} and copy it by hand.`}
      </p>
      <button type="button" className="primary" onClick={onDone}>
        I have saved the {what === 'API key' ? 'key' : what.toLowerCase()}
      </button>
    </section>
  );
}
