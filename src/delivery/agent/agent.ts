import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createGit, createMirrors } from "../../git/index.js";
import { loadResourceFiles, formatResourceProblem, parseDuration } from "../../resources/index.js";
import type { Application } from "../../resources/index.js";
import { createPodmanRuntime, createProcessRuntime, createReleaseCache } from "../../runtime/index.js";
import type { Replica, Runtime } from "../../runtime/index.js";
import { createApplicationController } from "./application-controller.js";
import type { ApplicationController, ApplicationStatus, SyncRequest } from "./application-controller.js";
import { createLiveStore } from "./live-state.js";
import type { SyncReport } from "./live-state.js";
import { writeFileAtomic } from "../../runtime/index.js";
import { createServerLink } from "./server-link.js";
import type { AppOperation } from "./server-link.js";
import { createSourceCache } from "./source-cache.js";
import { resolveArtifact } from "./resolve-artifact.js";
import type { ResolvedArtifact } from "./resolve-artifact.js";

export type AgentOptions = {
  name: string;
  /** Everything the agent keeps: mirrors, releases, replica records and logs, live state. */
  stateDir: string;
  /** Where Applications come from: a Ferry server (outbound long-poll), or a YAML file or directory with no server at all. */
  source: { kind: "server"; url: string; token: string } | { kind: "file"; path: string };
  /** Registry hosts spoken to over plain HTTP besides loopback ones. */
  insecureRegistries?: readonly string[];
  /** A token for a registry host (the server's own registry gets the agent's token). */
  registryToken?: (host: string) => string | undefined;
  /** How long a new version may take to become healthy; default 60 s. */
  progressDeadlineMs?: number;
  /** Where Service ports listen; default 127.0.0.1. */
  proxyHost?: string;
  /** Podman settings for the podman runtime. */
  containersConf?: string;
  log(message: string, fields?: Record<string, unknown>): void;
};

export type Agent = {
  start(): Promise<void>;
  stop(): Promise<void>;
  statuses(): Record<string, ApplicationStatus>;
  /** Runs one refresh pass of an Application now (tests and `ferry app sync` without a server). */
  refresh(app: string, request?: SyncRequest): Promise<void>;
};

/** How often the agent compares what each runtime runs with what its controllers run (drift: strays, changed replicas). */
const OBSERVE_EVERY_MS = 500;
/** Listing containers costs a `podman ps`: drift there is looked for every 2 s. */
const OBSERVE_CONTAINERS_EVERY_MS = 2000;
/** How long stop() waits for the watch loops to notice; a long-poll in flight is simply dropped. */
const STOP_WAIT_MS = 2000;

const sameUrl = (a: string): string => {
  let u = a.trim().replace(/\/+$/, "").replace(/\.git$/, "");
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)(.*)$/i.exec(u);
  if (m) u = `${(m[1] ?? "").toLowerCase()}${(m[2] ?? "").toLowerCase()}${m[3] ?? ""}`;
  return u.replace(/^file:\/\//, "");
};

/**
 * `ferry agent`: GitOps delivery inside one environment. It learns its Applications (from the server or a
 * file), keeps one controller per Application, re-adopts the replicas a previous agent left running, and
 * refreshes each Application on its interval, on a commit the server announces, and when asked.
 */
export function createAgent(o: AgentOptions): Agent {
  const git = createGit();
  const mirrors = createMirrors({ git, dir: join(o.stateDir, "mirrors") });
  const sources = createSourceCache({ git, mirrors, dir: join(o.stateDir, "sources") });
  const releases = createReleaseCache({ dir: join(o.stateDir, "releases") });
  const live = createLiveStore(join(o.stateDir, "applications"));
  const runtimes = new Map<string, Runtime>();
  const controllers = new Map<string, { c: ApplicationController; generationKey: string; timer: NodeJS.Timeout }>();
  const statuses: Record<string, ApplicationStatus> = {};
  const link = o.source.kind === "server" ? createServerLink({ url: o.source.url, token: o.source.token, agent: o.name }) : undefined;
  const stopping = new AbortController();
  const handledOps = new Set<number>();
  /** What each runtime ran when first asked: the replicas a previous agent process left, for new controllers to adopt. */
  const leftRunning = new Map<string, Promise<Replica[]>>();
  const adoptable = (kind: "process" | "podman"): Promise<Replica[]> => {
    let listing = leftRunning.get(kind);
    if (!listing) {
      listing = runtimeFor(kind).list().catch(() => []);
      leftRunning.set(kind, listing);
    }
    return listing;
  };
  let loops: Array<Promise<void>> = [];

  const runtimeFor = (kind: "process" | "podman"): Runtime => {
    let r = runtimes.get(kind);
    if (!r) {
      r = kind === "process"
        ? createProcessRuntime({ stateDir: join(o.stateDir, "runtime", "process") })
        : createPodmanRuntime({ stateDir: join(o.stateDir, "runtime", "podman"), ...(o.containersConf ? { containersConf: o.containersConf } : {}) });
      r.onExit((replica) => controllers.get(replica.app)?.c.exited(replica));
      runtimes.set(kind, r);
    }
    return r;
  };

  // Many Services name one artifact: a resolution is shared for a second.
  const resolutions = new Map<string, { at: number; result: Promise<ResolvedArtifact> }>();
  const resolveCached = (ref: string): Promise<ResolvedArtifact> => {
    const hit = resolutions.get(ref);
    if (hit && Date.now() - hit.at < 1000) return hit.result;
    const result = resolveArtifact(ref, { tokenFor: (host) => o.registryToken?.(host), insecure: o.insecureRegistries ?? [] });
    resolutions.set(ref, { at: Date.now(), result });
    result.catch(() => resolutions.delete(ref));
    for (const [k, v] of resolutions) if (Date.now() - v.at > 5000) resolutions.delete(k);
    return result;
  };
  const lastReported = new Map<string, string>();

  const deps = {
    runtimeFor, releases, sources, live, resolveArtifact: resolveCached,
    progressDeadlineMs: o.progressDeadlineMs ?? 60_000, proxyHost: o.proxyHost ?? "127.0.0.1", log: (m: string, f?: Record<string, unknown>) => o.log(m, f),
    onStatus: (app: string, status: ApplicationStatus) => {
      statuses[app] = status;
      // An unchanged status is not sent again.
      const text = JSON.stringify(status);
      if (lastReported.get(app) === text) return;
      lastReported.set(app, text);
      if (link) void link.status(app, status).catch((error: unknown) => o.log("status report failed", { app, error: String(error) }));
      else void writeFileAtomic(join(o.stateDir, "status.json"), `${JSON.stringify(statuses, null, 1)}\n`).catch(() => undefined);
    },
    onSync: async (app: string, report: SyncReport) => (link ? link.sync(app, report) : true),
  };

  async function setApplications(apps: readonly Application[]): Promise<void> {
    const wanted = new Map(apps.map((a) => [a.metadata.name, a]));
    for (const [name, entry] of controllers) {
      if (wanted.has(name)) continue;
      clearInterval(entry.timer);
      controllers.delete(name);
      o.log("application removed; stopping what it runs", { app: name });
      await entry.c.remove();
      delete statuses[name];
    }
    for (const app of apps) {
      const key = JSON.stringify(app.spec);
      const existing = controllers.get(app.metadata.name);
      if (existing && existing.generationKey === key) continue;
      if (existing) {
        existing.c.update(app);
        existing.generationKey = key;
        clearInterval(existing.timer);
        existing.timer = interval(app);
        void existing.c.refresh();
        continue;
      }
      const c = createApplicationController(app, deps);
      controllers.set(app.metadata.name, { c, generationKey: key, timer: interval(app) });
      await c.start(await adoptable(app.spec.destination.runtime));
      void c.refresh();
    }
  }

  function interval(app: Application): NodeJS.Timeout {
    const t = setInterval(() => void controllers.get(app.metadata.name)?.c.refresh(undefined, { fresh: false }), parseDuration(app.spec.refreshInterval));
    t.unref();
    return t;
  }

  async function handleOperation(op: AppOperation): Promise<void> {
    if (handledOps.has(op.id)) return;
    handledOps.add(op.id);
    const entry = controllers.get(op.app);
    if (!entry) return;
    const request: SyncRequest = op.type === "rollback"
      ? { trigger: "rollback", actor: op.actor, ...(op.revision ? { revision: op.revision } : {}) }
      : { trigger: "manual", actor: op.actor, clearPin: true };
    await entry.c.refresh(request);
    const st = entry.c.status();
    await link?.completeOperation(op.app, op.id, st.lastSync?.result ?? "done").catch(() => undefined);
  }

  async function serverLoop(): Promise<void> {
    if (!link) return;
    let cursor: string | undefined;
    let failures = 0;
    while (!stopping.signal.aborted) {
      try {
        const r = await link.watch(cursor, cursor === undefined ? 0 : 25_000, stopping.signal);
        failures = 0;
        cursor = r.cursor;
        await setApplications(r.applications);
        const urls = new Set(r.commits.map((c) => sameUrl(c.url)));
        for (const { c } of controllers.values()) if (urls.has(sameUrl(c.application.spec.source.repoURL))) void c.refresh();
        for (const op of r.operations) void handleOperation(op);
      } catch (error: unknown) {
        if (stopping.signal.aborted) break;
        failures += 1;
        o.log("cannot reach the server; what runs keeps running", { error: error instanceof Error ? error.message : String(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** Math.min(failures, 6))));
      }
    }
  }

  async function fileLoop(path: string): Promise<void> {
    let seen = "";
    while (!stopping.signal.aborted) {
      const mtime = await stat(path).then((s) => `${s.mtimeMs}:${s.size}`, () => "missing");
      if (mtime !== seen) {
        seen = mtime;
        const text = await readFile(path, "utf8").catch(() => undefined);
        // A file with nothing but comments names no Applications: everything is removed.
        const r = text !== undefined && !/^[ \t]*[^#\s]/m.test(text) ? { ok: true as const, resources: [] } : await loadResourceFiles([path]);
        if (!r.ok) o.log("the applications file is not valid; nothing changed", { problems: r.errors.map((p) => formatResourceProblem(p)) });
        else await setApplications(r.resources.filter((x): x is Application => x.kind === "Application"));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /**
   * Twice a second the process records, every 2 s the containers (one `podman ps`): one listing per runtime, handed to each
   * controller of that runtime: drift from what it runs (a stray replica, a changed one) is healed or reported.
   */
  async function observeLoop(): Promise<void> {
    const lastListed = new Map<string, number>();
    while (!stopping.signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, OBSERVE_EVERY_MS));
      for (const [kind, rt] of runtimes) {
        const every = kind === "podman" ? OBSERVE_CONTAINERS_EVERY_MS : OBSERVE_EVERY_MS;
        if (Date.now() - (lastListed.get(kind) ?? 0) < every) continue;
        lastListed.set(kind, Date.now());
        const replicas = await rt.list().catch(() => undefined);
        if (replicas === undefined || stopping.signal.aborted) continue;
        const byApp = new Map<string, Replica[]>();
        for (const r of replicas) {
          if (r.state !== "running") continue;
          const list = byApp.get(r.app);
          if (list) list.push(r);
          else byApp.set(r.app, [r]);
        }
        for (const { c } of controllers.values()) if (c.application.spec.destination.runtime === kind) c.observe(byApp.get(c.name) ?? []);
      }
    }
  }

  return {
    async start() {
      await adoptable("process");
      loops = [o.source.kind === "server" ? serverLoop() : fileLoop(o.source.path), observeLoop()];
    },
    async stop() {
      stopping.abort();
      for (const { c, timer } of controllers.values()) {
        clearInterval(timer);
        await c.close();
      }
      for (const r of runtimes.values()) await r.close();
      await Promise.race([Promise.allSettled(loops), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS))]);
    },
    statuses: () => ({ ...statuses }),
    async refresh(app, request) {
      await controllers.get(app)?.c.refresh(request, { fresh: false });
    },
  };
}
