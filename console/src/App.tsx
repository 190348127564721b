import { useCallback, useEffect, useMemo, useState } from 'react';
import { hasSession, onSessionLost, refresh, signOut as clearSession } from './api';
import { ErrorMessage, Loading } from './components/Status';
import { getMe, listUsers } from './endpoints';
import { roleLabel } from './format';
import { errorText, navigate, useRoute } from './hooks';
import { AuditPage } from './pages/AuditPage';
import { PermissionsPage } from './pages/PermissionsPage';
import { ProfilePage } from './pages/ProfilePage';
import { SignIn } from './pages/SignIn';
import { UserPage } from './pages/UserPage';
import { UsersPage } from './pages/UsersPage';
import { WebhookPage } from './pages/WebhookPage';
import { WebhooksPage } from './pages/WebhooksPage';
import { SessionContext, useSession, type Session } from './session';
import type { Me } from './types';

type State =
  | { phase: 'starting' }
  | { phase: 'signedOut'; notice?: string }
  | { phase: 'failed'; error: string }
  | { phase: 'signedIn'; me: Me; seesOthers: boolean };

/**
 * Whether the users list shows anyone besides oneself. Everyone with `users:read` may call it, but a
 * Company Location User only ever sees themselves there, so the answer, not the permission, decides.
 */
async function probeOthers(me: Me): Promise<boolean> {
  if (!me.permissions.includes('users:read')) return false;
  try {
    const res = await listUsers(2, 0);
    return res.data.some((u) => u.instanceUid !== me.instanceUid);
  } catch {
    return false;
  }
}

export function App() {
  const [state, setState] = useState<State>({ phase: 'starting' });

  const loadMe = useCallback(async () => {
    try {
      const me = (await getMe()).data;
      setState({ phase: 'signedIn', me, seesOthers: await probeOthers(me) });
    } catch (err) {
      if (hasSession()) setState({ phase: 'failed', error: errorText(err) });
    }
  }, []);

  useEffect(() => {
    onSessionLost(() => setState({ phase: 'signedOut', notice: 'Your session has ended. Please sign in again.' }));
    // Restore a session after a reload from the refresh token, if there is one.
    if (hasSession()) void loadMe();
    else void refresh().then((ok) => (ok ? loadMe() : setState({ phase: 'signedOut' })));
  }, [loadMe]);

  const signOut = useCallback(() => {
    clearSession();
    setState({ phase: 'signedOut', notice: 'You have signed out.' });
    navigate('/');
  }, []);

  const session = useMemo<Session | null>(
    () =>
      state.phase === 'signedIn'
        ? {
            me: state.me,
            readOnly: state.me.readOnly,
            can: (permission: string) => state.me.permissions.includes(permission),
            seesOthers: state.seesOthers,
            managesOthers: state.me.permissions.includes('users:write'),
            signOut,
            reloadMe: loadMe,
          }
        : null,
    [state, signOut, loadMe],
  );

  if (state.phase === 'starting') {
    return (
      <main className="signin">
        <Loading what="Starting" />
      </main>
    );
  }
  if (state.phase === 'signedOut') return <SignIn notice={state.notice} onSignedIn={() => void loadMe()} />;
  if (state.phase === 'failed' || !session) {
    return (
      <main className="signin">
        <h1>Latchkey console</h1>
        <ErrorMessage message={state.phase === 'failed' ? state.error : 'Could not load your profile.'} onRetry={() => void loadMe()} />
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const route = useRoute();
  const { me, readOnly, can, seesOthers, managesOthers, signOut } = useSession();
  const [path = '/', queryString = ''] = route.split('?');
  const query = new URLSearchParams(queryString);
  const usersPage = seesOthers || managesOthers;
  const userMatch = /^\/users\/([^/]+)$/.exec(path);
  const webhookMatch = /^\/webhooks\/([^/]+)$/.exec(path);

  let page;
  let section: 'profile' | 'users' | 'permissions' | 'audit' | 'webhooks' = 'profile';
  if (webhookMatch?.[1] && can('webhooks:read')) {
    section = 'webhooks';
    page = <WebhookPage key={webhookMatch[1]} webhookId={decodeURIComponent(webhookMatch[1])} />;
  } else if (path === '/webhooks' && can('webhooks:read')) {
    section = 'webhooks';
    page = <WebhooksPage />;
  } else if (userMatch?.[1]) {
    section = 'users';
    page = <UserPage key={userMatch[1]} userUid={decodeURIComponent(userMatch[1])} />;
  } else if (path === '/users') {
    section = 'users';
    page = <UsersPage />;
  } else if (path === '/permissions') {
    section = 'permissions';
    page = <PermissionsPage />;
  } else if (path === '/audit') {
    section = 'audit';
    page = <AuditPage key={queryString} initialUserUid={query.get('userUid') ?? ''} />;
  } else {
    page = <ProfilePage />;
  }

  useEffect(() => {
    document.title = `${{ profile: 'My profile', users: 'Users', permissions: 'Permissions', audit: 'Audit log', webhooks: 'Webhooks' }[section]} — Latchkey`;
  }, [section]);

  const link = (href: string, label: string, current: boolean) => (
    <a href={`#${href}`} aria-current={current ? 'page' : undefined}>
      {label}
    </a>
  );

  return (
    <>
      <header className="topbar">
        <span className="brand">Latchkey</span>
        <nav aria-label="Main">
          {link('/', 'My profile', section === 'profile')}
          {usersPage && link('/users', 'Users', section === 'users')}
          {link('/permissions', 'Permissions', section === 'permissions')}
          {can('audit:read') && link('/audit', 'Audit log', section === 'audit')}
          {can('webhooks:read') && link('/webhooks', 'Webhooks', section === 'webhooks')}
        </nav>
        <div className="who">
          <span>
            {me.userName} <span className="muted">({roleLabel(me.role)})</span>
          </span>
          {readOnly && <span className="badge">Read-only session</span>}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">
        {readOnly && (
          <p className="notice" role="note">
            This is a read-only session: you can look, but changes are disabled.
          </p>
        )}
        {page}
      </main>
    </>
  );
}
