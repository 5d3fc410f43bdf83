import { createContext, useContext } from 'react';
import type { Session } from '../api/session';

/** The signed-in user, provided by the shell to the routes it composes (pages render only when signed in). */
export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in shell');
  return session;
}
