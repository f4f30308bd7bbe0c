import type { ComponentType, ReactNode } from "react";
import { LiveProvider } from "./api/index.js";
import { AuthGate } from "./auth.js";
import { Layout } from "./layout.js";
import { matchPath, useRoute } from "./router.js";
import type { PageProps } from "./router.js";
import { AuditPage } from "./pages/audit/audit-page.js";
import { RunPage } from "./pages/ci/run-page.js";
import { RunsPage } from "./pages/ci/runs-page.js";
import { OverviewPage } from "./pages/overview/overview-page.js";
import { ArtifactsPage } from "./pages/artifacts/artifacts-page.js";
import { ApplicationPage } from "./pages/applications/application-page.js";
import { ApplicationsPage } from "./pages/applications/applications-page.js";
import { PromotionGridPage } from "./pages/promotion/promotion-grid-page.js";
import { PromotionPage } from "./pages/promotion/promotion-page.js";

/** Every view and its URL; pages get the `:params` as props. */
const routes: ReadonlyArray<{ pattern: string; page: ComponentType<PageProps> }> = [
  { pattern: "/", page: OverviewPage },
  { pattern: "/runs", page: RunsPage },
  { pattern: "/runs/:id", page: RunPage },
  { pattern: "/artifacts", page: ArtifactsPage },
  { pattern: "/promotion", page: PromotionGridPage },
  { pattern: "/promotions/:id", page: PromotionPage },
  { pattern: "/applications", page: ApplicationsPage },
  { pattern: "/applications/:name", page: ApplicationPage },
  { pattern: "/audit", page: AuditPage },
];

function NotFound(props: { path: string }): ReactNode {
  return <section><h1>Not found</h1><p className="muted">Nothing lives at <code>{props.path}</code>.</p></section>;
}

function Routes(): ReactNode {
  const route = useRoute();
  for (const r of routes) {
    const params = matchPath(r.pattern, route.path);
    // The key remounts a page when its params change, so no state leaks from one object to another.
    if (params) return <r.page key={`${r.pattern}:${JSON.stringify(params)}`} params={params} />;
  }
  return <NotFound path={route.path} />;
}

/** The dashboard: sign-in, then one live connection, the layout and the routed page. */
export function App(): ReactNode {
  return (
    <AuthGate>
      <LiveProvider>
        <Layout>
          <Routes />
        </Layout>
      </LiveProvider>
    </AuthGate>
  );
}
