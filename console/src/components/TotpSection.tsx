import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { addTotp, newTotpSecret } from '../endpoints';
import { useAction } from '../hooks';
import { useSession } from '../session';
import type { Identity, TotpSecret } from '../types';
import { ErrorMessage } from './Status';
import { FormActions } from './FormActions';
import { CodeField } from './Fields';

interface Props {
  userUid: string;
  identities: Identity[];
  /** Whether identities may be deleted (identities:write); setting one up needs no permission. */
  canRemove: boolean;
  onChanged: () => void;
}

function QrImage({ text }: { text: string }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { margin: 1, width: 200 })
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(''));
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img className="qr" src={src} width={200} height={200} alt="QR code to scan with your authenticator app" /> : null;
}

export function TotpSection({ userUid, identities, canRemove, onChanged }: Props) {
  const { readOnly } = useSession();
  const { busy, error, run } = useAction();
  // The secret lives only here until a code enables it; cancelling leaves nothing on the server.
  const [pending, setPending] = useState<TotpSecret | null>(null);
  const [code, setCode] = useState('');
  const active = identities.some((i) => i.identityProviderName === 'TOTP' && i.status === 'enabled');

  async function start() {
    const res = await run(() => newTotpSecret());
    if (res) {
      setPending(res.data);
      setCode('');
    }
  }

  function cancel() {
    setPending(null);
  }

  async function confirm() {
    if (!pending) return;
    const res = await run(() => addTotp(userUid, pending.secretUrl, code));
    if (res) {
      setPending(null);
      onChanged();
    }
  }

  return (
    <section className="card" aria-labelledby="totp-title">
      <h3 id="totp-title">Two-factor sign-in</h3>
      {active && (
        <p>
          An authenticator app is required when you sign in.{' '}
          {canRemove ? 'Use “Remove” on it above to turn this off.' : 'To turn this off, ask an administrator to remove it.'}
        </p>
      )}
      {!active && !pending && (
        <>
          <p>Add a time-based one-time code (TOTP) from an authenticator app to your sign-in.</p>
          <button
            type="button"
            className="primary"
            disabled={readOnly || busy}
            title={readOnly ? 'You cannot set up an authenticator app in a read-only session.' : undefined}
            onClick={start}
          >
            Set up authenticator app
          </button>
        </>
      )}
      {pending && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <p>Scan this code with your authenticator app, then enter the 6-digit code it shows.</p>
          <QrImage text={pending.secretUrl} />
          <p>
            Or enter this key by hand:{' '}
            <code className="mono" aria-label="Secret key">
              {pending.secret}
            </code>
          </p>
          <CodeField id="totp-code" value={code} onChange={setCode} />
          <FormActions busy={busy} submit="Confirm code" cancel="Cancel setup" onCancel={cancel} />
        </form>
      )}
      <ErrorMessage message={error} />
    </section>
  );
}
