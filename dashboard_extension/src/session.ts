import { createContext, useContext } from "react";

export type Session = { token?: string; permissions: string[]; userId?: string };

export const SessionContext = createContext<Session>({ permissions: [] });

export function useSession(): Session {
  return useContext(SessionContext);
}
