import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { confirmTotp, deleteIdentity, enrolTotp } from '../endpoints';
import { useAction } from '../hooks';
import { useSession } from '../session';
import type { Identity } from '../types';
import { ErrorMessage } from './Status';
import { FormActions } from './FormActions';
import { CodeField } from './Fields';

interface Props {
  userUid: string;
  identities: Identity[];
  /** Whether identities may be deleted (identities:write); enrolling and confirming need no permission. */
  canRemove: boolean;
  onChanged: () => void;
}

interface Pending {
  identity: Identity;
  otpauthUrl: string;
}

const secretOf = (otpauthUrl: string): string => {
  try {
    return new URL(otpauthUrl).searchParams.get('secret') ?? '';
  } catch {
    return '';
  }
};

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
  const [pending, setPending] = useState<Pending | null>(null);
  const [code, setCode] = useState('');
  const totp = identities.filter((i) => i.identityProviderName === 'TOTP');
  const active = totp.some((i) => i.status === 'enabled');
  const unfinished = !pending && totp.some((i) => i.status === 'disabled');

  async function start() {
    const res = await run(() => enrolTotp(userUid));
    if (res) {
      setPending(res.data);
      setCode('');
    }
  }

  async function cancel() {
    if (!pending) return;
    // Without identities:write the unconfirmed identity stays (disabled, unusable) until the next
    // enrolment, which replaces it.
    if (canRemove) await run(() => deleteIdentity(userUid, pending.identity.id));
    setPending(null);
    onChanged();
  }

  async function confirm() {
    if (!pending) return;
    const res = await run(() => confirmTotp(userUid, pending.identity.id, code));
    if (res) {
      setPending(null);
      onChanged();
    }
  }

  const secret = pending ? secretOf(pending.otpauthUrl) : '';

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
          <p>
            {unfinished
              ? 'Authenticator setup was not finished. Start again to get a new code to scan (the unconfirmed one is replaced).'
              : 'Add a time-based one-time code (TOTP) from an authenticator app to your sign-in.'}
          </p>
          <button
            type="button"
            className="primary"
            disabled={readOnly || busy}
            title={readOnly ? 'You cannot set up an authenticator app in a read-only session.' : undefined}
            onClick={start}
          >
            {unfinished ? 'Start setup again' : 'Set up authenticator app'}
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
          <QrImage text={pending.otpauthUrl} />
          {secret && (
            <p>
              Or enter this key by hand:{' '}
              <code className="mono" aria-label="Secret key">
                {secret}
              </code>
            </p>
          )}
          <CodeField id="totp-code" value={code} onChange={setCode} />
          <FormActions busy={busy} submit="Confirm code" cancel="Cancel setup" onCancel={cancel} />
        </form>
      )}
      <ErrorMessage message={error} />
    </section>
  );
}
