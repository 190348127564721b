import { createContext, useContext } from 'react';
import type { Me } from './types';

export interface Session {
  me: Me;
  /** A read-only session (or key): the server allows only GET requests. */
  readOnly: boolean;
  /** Whether the credential holds a permission, as `GET /users/me` reports it. */
  can: (permission: string) => boolean;
  /** May list other users (the users list answers with someone besides oneself). */
  seesOthers: boolean;
  /** May change other users' identities: holds `users:write` (tenant managers, Portal Administrator). */
  managesOthers: boolean;
  signOut: () => void;
  /** Reads `GET /users/me` again: after a change of grants, what the session may do changed too. */
  reloadMe: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in session');
  return session;
}
