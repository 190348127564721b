import { useState, type FormEvent } from 'react';
import { signIn, verifyMfa } from '../api';
import { ErrorMessage } from '../components/Status';
import { useAction } from '../hooks';
import { CodeField } from '../components/Fields';

interface Props {
  notice?: string;
  onSignedIn: () => void;
}

export function SignIn({ notice, onSignedIn }: Props) {
  const { busy, error, run } = useAction();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [readOnly, setReadOnly] = useState(false);
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [code, setCode] = useState('');

  async function submitPassword(e: FormEvent) {
    e.preventDefault();
    const result = await run(() => signIn(username.trim(), password, readOnly));
    if (!result) return;
    setPassword('');
    if (result.kind === 'mfa') setMfaToken(result.mfaToken);
    else onSignedIn();
  }

  async function submitCode(e: FormEvent) {
    e.preventDefault();
    if (!mfaToken) return;
    const ok = await run(async () => {
      await verifyMfa(mfaToken, code);
      return true;
    });
    if (ok) onSignedIn();
  }

  return (
    <main className="signin">
      <h1>Latchkey console</h1>
      {notice && !error && mfaToken === null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {mfaToken === null ? (
        <form className="card form" onSubmit={submitPassword} aria-labelledby="signin-title">
          <h2 id="signin-title">Sign in</h2>
          <label htmlFor="username">Username</label>
          <input id="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
          <label htmlFor="password">Password</label>
          <input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          <label className="check">
            <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} />
            Read-only session (view only)
          </label>
          <ErrorMessage message={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      ) : (
        <form className="card form" onSubmit={submitCode} aria-labelledby="mfa-title">
          <h2 id="mfa-title">Two-factor code</h2>
          <p>Enter the 6-digit code from your authenticator app.</p>
          <CodeField id="mfa-code" value={code} onChange={setCode} autoFocus />
          <ErrorMessage message={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Verifying…' : 'Verify'}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setMfaToken(null);
                setCode('');
              }}
            >
              Back
            </button>
          </div>
        </form>
      )}
    </main>
  );
}
