import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Mirrors } from "../git/mirror.js";
import type { Store } from "../store/index.js";
import type { SecretBox } from "../store/index.js";
import type { Bus } from "../ci/index.js";
import type { Scheduler } from "../ci/index.js";
import { toHttp } from "./errors.js";
import { createLogFiles } from "./log-files.js";
import { createMetrics } from "./metrics.js";
import { registerGitRoutes } from "./routes/git-routes.js";
import { registerDispatchRoutes } from "./routes/dispatch-routes.js";
import { createBasicAuthorizer, registerRegistryRoutes } from "../registry/index.js";
import { appendEvent, verifyJobToken, verifyToken } from "../store/index.js";
import { recordPushedArtifact } from "./record-pushed-artifact.js";
import { registerArtifactRoutes } from "./routes/artifact-routes.js";
import { registerRetentionRoutes } from "./routes/retention-routes.js";
import { registerResourceRoutes } from "./routes/resource-routes.js";
import { registerRunRoutes } from "./routes/run-routes.js";
import { registerRunnerRoutes } from "./routes/runner-routes.js";
import { registerSecretRoutes } from "./routes/secret-routes.js";
import { registerWebhookRoutes } from "./routes/webhook-routes.js";
import { join } from "node:path";
import type { PullRequestChange } from "../ci/index.js";
import type { DeliveryFeed } from "./delivery/delivery-feed.js";
import { registerDeliveryRoutes } from "./routes/delivery-routes.js";
import type { PromotionController } from "../promotion/controller/index.js";
import { registerPromotionRoutes } from "./routes/promotion-routes.js";
import { registerEventRoutes } from "./routes/event-routes.js";
import { registerWhoamiRoutes } from "./routes/whoami-routes.js";
import { findDashboardDir, registerWebRoutes } from "./routes/web-routes.js";

export type ServerDeps = {
  store: Store; bus: Bus; scheduler: Scheduler; mirrors: Mirrors; box: SecretBox; logger: Logger;
  leaseMs: number; publicUrl: () => string; refreshRepository(name: string): Promise<void>;
  pushed(name: string, ref: string, after: string): Promise<void>;
  pullRequest(change: PullRequestChange): Promise<unknown>;
  /** What agents hear about: new commits, changed Applications, requested operations. */
  feed: DeliveryFeed;
  promotion: PromotionController;
};

/** The HTTP API of the control plane. */
export function createServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 8 << 20 });
  app.setErrorHandler((error, req, reply) => {
    const { status, body } = toHttp(error);
    if (status >= 500) deps.logger.error({ err: error, url: req.url }, "request failed");
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) => { void reply.code(404).send({ error: { code: "not-found", message: `no route ${req.method} ${req.url}` } }); });
  const logs = createLogFiles(join(deps.store.dataDir, "logs"));
  const metrics = createMetrics(deps.store);
  deps.bus.on((e) => {
    if (e.type === "job-updated" && e.status === "completed") {
      const j = deps.store.sqlite.prepare("SELECT started_at, completed_at FROM jobs WHERE id = ?").get(e.jobId) as { started_at: string | null; completed_at: string | null } | undefined;
      if (j?.started_at && j.completed_at) metrics.jobDuration.observe({ conclusion: e.conclusion ?? "unknown" }, (Date.parse(j.completed_at) - Date.parse(j.started_at)) / 1000);
    }
  });

  app.get("/healthz", () => ({ status: "ok" }));
  app.get("/readyz", () => {
    deps.store.sqlite.prepare("SELECT 1").get();
    return { status: "ready" };
  });
  app.get("/metrics", async (_req, reply) => {
    void reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  registerResourceRoutes(app, {
    store: deps.store,
    onApplied: (kind, name) => {
      if (kind === "Repository") void deps.refreshRepository(name).catch(() => undefined);
      if (kind === "Application") deps.feed.publish({ type: "applications" });
      if (kind === "Warehouse" || kind === "Stage") void deps.promotion.pushed();
    },
    onDeleted: (kind) => { if (kind === "Application") deps.feed.publish({ type: "applications" }); },
  });
  registerRunRoutes(app, { store: deps.store, bus: deps.bus, scheduler: deps.scheduler, logs });
  registerRunnerRoutes(app, { store: deps.store, bus: deps.bus, scheduler: deps.scheduler, box: deps.box, logs, leaseMs: deps.leaseMs, publicUrl: () => deps.publicUrl() });
  registerSecretRoutes(app, { store: deps.store, box: deps.box });
  registerWebhookRoutes(app, { store: deps.store, box: deps.box, refresh: (name) => deps.refreshRepository(name), pushed: (n, r, a) => deps.pushed(n, r, a), pullRequest: (c) => deps.pullRequest(c) });
  registerGitRoutes(app, { store: deps.store, mirrors: deps.mirrors });
  registerRegistryRoutes(app, {
    dir: join(deps.store.dataDir, "registry"),
    authorize: createBasicAuthorizer({
      verify: (token) => verifyToken(deps.store, token) ?? (verifyJobToken(deps.store, token) ? { role: "job" } : undefined),
    }),
    onPush: (e, req) => {
      recordPushedArtifact(deps.store, e, req);
      if (!e.reference.startsWith("sha256:")) void deps.promotion.pushed();
      void appendEvent(deps.store, { actor: "registry", action: "registry.push", kind: "Artifact", name: `${e.repository}:${e.reference}`, data: { digest: e.digest, mediaType: e.mediaType, ...(e.artifactType ? { artifactType: e.artifactType } : {}) } });
    },
  });
  registerArtifactRoutes(app, { store: deps.store });
  registerRetentionRoutes(app, { store: deps.store, registryDir: join(deps.store.dataDir, "registry") });
  registerDeliveryRoutes(app, { store: deps.store, feed: deps.feed });
  registerPromotionRoutes(app, { store: deps.store, controller: deps.promotion });
  registerEventRoutes(app, { store: deps.store, bus: deps.bus });
  registerWhoamiRoutes(app, { store: deps.store });
  registerDispatchRoutes(app, { store: deps.store, mirrors: deps.mirrors, scheduler: deps.scheduler, bus: deps.bus });
  registerWebRoutes(app, { dir: findDashboardDir() });
  return app;
}
