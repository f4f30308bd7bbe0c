import { createContext, useCallback, useContext, useEffect, useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { apiFetch, ApiError, clearToken, getToken, setToken, UNAUTHORIZED_EVENT } from "./api/index.js";

export type Role = "viewer" | "operator" | "approver" | "admin" | "runner" | "agent";
export type Action = "operate" | "approve" | "admin";

const rank: Record<string, number> = { viewer: 1, operator: 2, approver: 3, admin: 4 };
const needs: Record<Action, number> = { operate: 2, approve: 3, admin: 4 };

/** Whether `role` may do `action`: viewer < operator < approver < admin, as the server decides. */
export function roleCan(role: string, action: Action): boolean {
  return (rank[role] ?? 0) >= needs[action];
}

export type Session = { name: string; role: Role; can: (action: Action) => boolean; signOut: () => void };

const SessionContext = createContext<Session | null>(null);

/** The signed-in user; only inside <AuthGate>. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession() outside <AuthGate>");
  return s;
}

type State = { phase: "checking" } | { phase: "signed-out"; message?: string } | { phase: "signed-in"; name: string; role: Role };

/**
 * Shows the sign-in form until a valid API token is stored, then its children with the session
 * (`GET /api/v1/whoami`). A token the server later refuses signs the user out.
 */
export function AuthGate(props: { children: ReactNode }): ReactNode {
  const [state, setState] = useState<State>(() => (getToken() ? { phase: "checking" } : { phase: "signed-out" }));

  const check = useCallback(async (): Promise<void> => {
    try {
      const who = await apiFetch<{ name: string; role: Role }>("GET", "/api/v1/whoami");
      setState({ phase: "signed-in", name: who.name, role: who.role });
    } catch (error: unknown) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) clearToken();
      setState({ phase: "signed-out", message: error instanceof Error ? error.message : String(error) });
    }
  }, []);

  useEffect(() => {
    if (state.phase === "checking") void check();
  }, [state.phase, check]);

  useEffect(() => {
    const out = (): void => {
      clearToken();
      setState({ phase: "signed-out", message: "The server no longer accepts this token; sign in again." });
    };
    window.addEventListener(UNAUTHORIZED_EVENT, out);
    return () => window.removeEventListener(UNAUTHORIZED_EVENT, out);
  }, []);

  const signOut = useCallback(() => {
    clearToken();
    setState({ phase: "signed-out" });
  }, []);

  if (state.phase === "checking") return <div className="center muted">Signing in…</div>;
  if (state.phase === "signed-out") {
    return <SignIn {...(state.message ? { message: state.message } : {})} onToken={(t) => { setToken(t); setState({ phase: "checking" }); }} />;
  }
  const session: Session = { name: state.name, role: state.role, can: (a) => roleCan(state.role, a), signOut };
  return <SessionContext.Provider value={session}>{props.children}</SessionContext.Provider>;
}

function SignIn(props: { message?: string; onToken: (token: string) => void }): ReactNode {
  const [token, setValue] = useState("");
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (token.trim()) props.onToken(token.trim());
  };
  return (
    <div className="signin">
      <form onSubmit={submit} className="card">
        <h1>Ferry</h1>
        <p className="muted">Sign in with an API token — for a start, the one in <code>admin.token</code> in the server's data directory.</p>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" value={token} onChange={(e) => setValue(e.target.value)} placeholder="ferry_…" autoFocus />
        {props.message ? <p className="error" role="alert">{props.message}</p> : null}
        <button type="submit" className="primary" disabled={!token.trim()}>Sign in</button>
      </form>
    </div>
  );
}
