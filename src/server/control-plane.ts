import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createLogger } from "./logger.js";
import type { Logger } from "./logger.js";
import { createGit } from "../git/git.js";
import { createMirrors } from "../git/mirror.js";
import { openStore } from "../store/index.js";
import { createSecretBox } from "../store/index.js";
import { endInterruptedPromotions, ensureBootstrapTokens, getResource } from "../store/index.js";
import { createPromotionController } from "../promotion/controller/index.js";
import { extendAllLeases } from "../store/index.js";
import { createBus } from "../ci/index.js";
import { createScheduler } from "../ci/index.js";
import { createGitWatcher } from "../ci/index.js";
import { repositoryFullName, triggerPush } from "../ci/index.js";
import type { Value } from "../workflow/index.js";
import { createServer } from "./create-server.js";
import { createDeliveryFeed, normalizeRepoUrl } from "./delivery/delivery-feed.js";
import { startStatusReporting } from "../ci/index.js";
import { startSchedules } from "../ci/index.js";
import { triggerPullRequest } from "../ci/index.js";

export type ControlPlaneOptions = {
  dataDir: string;
  host?: string;
  port?: number;
  publicUrl?: string;
  leaseMs?: number;
  logger?: Logger;
};

/** `github.head_ref` / `base_ref`: the branches of a pull request event, "" otherwise. */
function prSide(payload: Record<string, Value>, side: "head" | "base"): string {
  const pr = payload.pull_request;
  const s = pr && typeof pr === "object" && !Array.isArray(pr) ? pr[side] : undefined;
  const ref = s && typeof s === "object" && !Array.isArray(s) ? s.ref : undefined;
  return typeof ref === "string" ? ref : "";
}

export type ControlPlane = { url: string; adminToken: string; runnerToken: string; agentToken: string; close(): Promise<void> };

/** Starts `ferry server`: store, scheduler, git watcher and the HTTP API. */
export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  const logger = o.logger ?? createLogger(process.env.FERRY_LOG_LEVEL ?? "info");
  const store = openStore(o.dataDir);
  const box = createSecretBox({ dataDir: o.dataDir, envKey: process.env.FERRY_SECRET_KEY });
  const tokens = ensureBootstrapTokens(store, o.dataDir);
  const leaseMs = o.leaseMs ?? Number(process.env.FERRY_LEASE_MS ?? 30_000);
  // Runners still working when the server went down get a full lease to reconnect.
  extendAllLeases(store, Date.now() + leaseMs);
  const git = createGit();
  const mirrors = createMirrors({ git, dir: join(o.dataDir, "mirrors") });
  const bus = createBus();
  const feed = createDeliveryFeed();
  // Agents hear of every new commit of a watched repository at once, by its URL.
  bus.on((e) => {
    if (e.type !== "commit") return;
    const row = store.sqlite.prepare("SELECT spec FROM resources WHERE kind = 'Repository' AND name = ?").get(e.repo) as { spec: string } | undefined;
    const repoUrl = row ? (JSON.parse(row.spec) as { url?: string }).url : undefined;
    if (repoUrl) feed.publish({ type: "commit", url: normalizeRepoUrl(repoUrl), sha: e.sha, ref: e.ref });
  });
  let url = o.publicUrl ?? "";
  const scheduler = createScheduler({
    store, bus, readFile: (repo, sha, path) => mirrors.readFile(repo, sha, path),
    githubFor: (run) => {
      const payload = JSON.parse(run.payload) as Record<string, Value>;
      const repoUrl = (store.sqlite.prepare("SELECT spec FROM resources WHERE kind = 'Repository' AND name = ?").get(run.repo) as { spec: string } | undefined)?.spec;
      const full = repositoryFullName(run.repo, repoUrl ? (JSON.parse(repoUrl) as { url: string }).url : "");
      const r = store.sqlite.prepare("SELECT * FROM runs WHERE id = ?").get(run.id) as { ref: string; sha: string; event: string; actor: string; run_number: number; workflow_name: string };
      return {
        event_name: r.event, event: payload, sha: r.sha, ref: r.ref, ref_name: r.ref.replace(/^refs\/(heads|tags)\//, ""),
        ref_type: r.ref.startsWith("refs/tags/") ? "tag" : "branch", head_ref: prSide(payload, "head"), base_ref: prSide(payload, "base"), repository: full,
        repository_owner: full.split("/")[0] ?? "", actor: r.actor, triggering_actor: r.actor, run_id: String(run.id),
        run_number: String(r.run_number), run_attempt: "1", workflow: r.workflow_name, server_url: url, api_url: `${url}/api/v1`,
        graphql_url: "", retention_days: "90", secret_source: "Actions", action: "", token: "",
      };
    },
  });
  const watcher = createGitWatcher({
    store, git, mirrors, log: (msg, f) => logger.warn(f ?? {}, msg),
    onChange: async (change) => {
      bus.emit({ type: "commit", repo: change.repo, ref: change.ref, sha: change.after });
      const ids = await triggerPush({ store, mirrors, scheduler, bus }, change);
      if (ids.length) logger.info({ repository: change.repo, ref: change.ref, sha: change.after, runs: ids }, "runs created");
    },
  });
  endInterruptedPromotions(store);
  const promotion = createPromotionController({
    store, workDir: join(o.dataDir, "promotions"),
    registry: {
      urlFor: (host) => (url && new URL(url).host === host ? url : `${/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(host) ? "http" : "https"}://${host}`),
      tokenFor: (host) => (url && new URL(url).host === host ? tokens.admin : undefined),
    },
    applicationState: async (name) => {
      const status = (await getResource(store, "Application", name))?.status as { sync?: { status?: string; appliedRevision?: string | null; message?: string }; health?: { status?: string; message?: string } } | undefined;
      if (!status) return undefined;
      return {
        appliedRevision: status.sync?.appliedRevision ?? null, synced: status.sync?.status === "Synced", healthy: status.health?.status === "Healthy",
        message: `${status.sync?.status ?? "Unknown"}, ${status.health?.status ?? "Unknown"}${status.health?.message ? `: ${status.health.message}` : ""}`,
      };
    },
    onChange: () => undefined,
    // Agents delivering from a config repository hear of a promotion's commit at once, not at their next poll.
    onGitPush: ({ repoURL, branch, commit }) => feed.publish({ type: "commit", url: normalizeRepoUrl(repoURL), sha: commit, ref: `refs/heads/${branch}` }),
    log: (msg, f) => logger.info(f ?? {}, msg),
  });
  // Warehouses subscribed to a repository Ferry watches look at once when it sees a new commit, not at their next interval.
  bus.on((e) => {
    if (e.type !== "commit") return;
    const row = store.sqlite.prepare("SELECT spec FROM resources WHERE kind = 'Repository' AND name = ?").get(e.repo) as { spec: string } | undefined;
    const repoUrl = row ? (JSON.parse(row.spec) as { url?: string }).url : undefined;
    if (repoUrl) promotion.commitSeen((subscribed) => normalizeRepoUrl(subscribed) === normalizeRepoUrl(repoUrl));
  });
  const app = createServer({
    store, bus, scheduler, mirrors, box, logger, leaseMs, publicUrl: () => url, feed, promotion,
    refreshRepository: (name) => watcher.refresh(name),
    pushed: (name, ref, after) => watcher.pushed(name, ref, after),
    pullRequest: async (change) => {
      try {
        const ids = await triggerPullRequest({ store, mirrors, git, scheduler, bus }, change);
        if (ids.length) logger.info({ repository: change.repo, pullRequest: change.number, runs: ids }, "runs created");
      } catch (error: unknown) {
        logger.warn({ repository: change.repo, pullRequest: change.number, err: error }, "cannot run the pull request's workflows");
      }
    },
  });
  const address = await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 8420 });
  if (!url) url = address.replace("0.0.0.0", "127.0.0.1").replace("[::]", "127.0.0.1");
  const stopReporting = startStatusReporting({ store, box, bus, publicUrl: () => url, log: (msg, f) => logger.warn(f ?? {}, msg) });
  const stopSchedules = startSchedules({ store, mirrors, scheduler, bus, log: (msg, f) => logger.warn(f ?? {}, msg) });
  scheduler.start();
  watcher.start();
  await mkdir(join(o.dataDir, "promotions"), { recursive: true });
  promotion.start();
  logger.info({ url, dataDir: o.dataDir }, "ferry server started");
  return {
    url, adminToken: tokens.admin, runnerToken: tokens.runner, agentToken: tokens.agent,
    async close() {
      watcher.stop();
      scheduler.stop();
      promotion.stop();
      stopReporting();
      stopSchedules();
      await app.close();
      await store.close();
    },
  };
}
