import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "./api-error.js";
import { useLiveEvents } from "./live.js";
import type { LiveEvent } from "./live.js";
import { getToken, UNAUTHORIZED_EVENT } from "./token.js";

/** `/api/v1/runs` and `/runs` both name the same endpoint. */
export function apiUrl(path: string): string {
  return path.startsWith("/api/") ? path : `/api/v1${path.startsWith("/") ? "" : "/"}${path}`;
}

/** The Authorization header of the signed-in token, or none. */
export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * Calls the Ferry API as the signed-in user (the same API and bearer token as the CLI). Resolves to
 * the JSON body; throws ApiError with the status and the server's message when it is refused.
 */
export async function apiFetch<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...authHeaders() };
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(apiUrl(path), { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (error: unknown) {
    throw new ApiError(0, "network", `cannot reach the server: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiError(res.status, err?.code ?? `http-${res.status}`, err?.message ?? (text || res.statusText));
  }
  return json as T;
}

export type ApiState<T> = { data: T | undefined; error: string | undefined; loading: boolean; reload: () => void };

export type UseApiOptions = {
  /** Which live events make this view re-fetch; default: every event. `false`: none. */
  live?: boolean | ((e: LiveEvent) => boolean);
  /** Also re-fetch every this many ms, for state that changes without an event (agents' reports). */
  refreshMs?: number;
};

/**
 * GETs `path` (null: nothing) and re-fetches when it changes, on `reload()`, and — debounced by
 * 200 ms — when a live event arrives, so lists update without a page reload. A re-fetch keeps the
 * data on screen until the answer comes; answers to an older path are dropped.
 */
export function useApi<T>(path: string | null, options: UseApiOptions = {}): ApiState<T> {
  const [state, setState] = useState<{ path: string | null; data: T | undefined; error: string | undefined; loading: boolean }>({ path, data: undefined, error: undefined, loading: path !== null });
  const [tick, setTick] = useState(0);
  const current = useRef(path);
  current.current = path;

  useEffect(() => {
    if (path === null) {
      setState({ path, data: undefined, error: undefined, loading: false });
      return;
    }
    let stale = false;
    setState((s) => (s.path === path ? { ...s, loading: true } : { path, data: undefined, error: undefined, loading: true }));
    apiFetch<T>("GET", path).then(
      (data) => { if (!stale) setState({ path, data, error: undefined, loading: false }); },
      (error: unknown) => { if (!stale) setState((s) => ({ ...s, path, error: error instanceof Error ? error.message : String(error), loading: false })); },
    );
    return () => { stale = true; };
  }, [path, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const live = options.live ?? true;
  const liveRef = useRef(live);
  liveRef.current = live;
  useLiveEvents(useCallback((e: LiveEvent) => {
    const l = liveRef.current;
    if (current.current === null || l === false || (typeof l === "function" && !l(e))) return;
    if (timer.current === undefined) {
      timer.current = setTimeout(() => {
        timer.current = undefined;
        setTick((t) => t + 1);
      }, 200);
    }
  }, []));
  useEffect(() => () => { if (timer.current !== undefined) clearTimeout(timer.current); }, []);
  const refreshMs = options.refreshMs;
  useEffect(() => {
    if (!refreshMs || path === null) return;
    const t = setInterval(() => { if (document.visibilityState !== "hidden") setTick((n) => n + 1); }, refreshMs);
    return () => clearInterval(t);
  }, [refreshMs, path]);

  const fresh = state.path === path;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, loading: fresh ? state.loading : path !== null, reload };
}
