import { useMemo, useSyncExternalStore } from "react";
import type { AnchorHTMLAttributes, MouseEvent, ReactNode } from "react";

/** Fired on window after navigate() changes the URL (popstate covers back/forward). */
const NAVIGATE_EVENT = "ferry:navigate";

export type Route = { path: string; query: URLSearchParams; search: string };

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

/** The current path and query; re-renders on every navigation. */
export function useRoute(): Route {
  const href = useSyncExternalStore(subscribe, snapshot, () => "/");
  return useMemo(() => {
    const url = new URL(href, "http://x");
    return { path: url.pathname, query: url.searchParams, search: url.search };
  }, [href]);
}

/** Goes to `to` (path and query) without reloading the page; `replace` keeps history short (filters). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.scrollTo?.(0, 0);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** The current URL with some query parameters set (a string) or removed (undefined or ""). */
export function withQuery(route: Route, changes: Record<string, string | undefined>): string {
  const q = new URLSearchParams(route.query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === "") q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  return s ? `${route.path}?${s}` : route.path;
}

/**
 * Matches `/runs/:id` against a path: the params (decoded) or null. A trailing `*` matches the rest
 * (`/files/*` → params["*"]).
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = path.split("/").filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    if (w === "*") {
      params["*"] = have.slice(i).map(decodeURIComponent).join("/");
      return params;
    }
    const h = have[i];
    if (h === undefined) return null;
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return have.length === want.length ? params : null;
}

/** An in-app link: a real `<a href>` (open in a new tab works), handled without a reload on a plain click. */
export function Link(props: { to: string; children?: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href">): ReactNode {
  const { to, onClick, children, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest}>{children}</a>;
}

/** What every page receives: the `:params` of its route, decoded. */
export type PageProps = { params: Record<string, string> };
