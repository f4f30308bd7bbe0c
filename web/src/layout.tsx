import type { ReactNode } from "react";
import { useSession } from "./auth.js";
import { Link, useRoute } from "./router.js";

const nav: ReadonlyArray<{ to: string; label: string; active(path: string): boolean }> = [
  { to: "/", label: "Overview", active: (p) => p === "/" },
  { to: "/runs", label: "CI", active: (p) => p.startsWith("/runs") },
  { to: "/artifacts", label: "Artifacts", active: (p) => p.startsWith("/artifacts") },
  { to: "/promotion", label: "Promotion", active: (p) => p.startsWith("/promotion") },
  { to: "/applications", label: "Applications", active: (p) => p.startsWith("/applications") },
  { to: "/audit", label: "Audit", active: (p) => p.startsWith("/audit") },
];

/** The frame of every page: the navigation bar with who is signed in, then the page. */
export function Layout(props: { children: ReactNode }): ReactNode {
  const route = useRoute();
  const session = useSession();
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">Ferry</Link>
        <nav className="mainnav" aria-label="main">
          {nav.map((n) => (
            <Link key={n.to} to={n.to} className={n.active(route.path) ? "active" : undefined} aria-current={n.active(route.path) ? "page" : undefined}>{n.label}</Link>
          ))}
        </nav>
        <div className="who">
          <span title="signed in as">{session.name}</span> <span className="role" data-role={session.role}>{session.role}</span>
          <button type="button" className="link" onClick={session.signOut}>Sign out</button>
        </div>
      </header>
      <main className="page">{props.children}</main>
    </div>
  );
}
