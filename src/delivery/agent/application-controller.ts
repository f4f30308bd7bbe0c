import { randomUUID } from "node:crypto";
import type { Application, Service } from "../../resources/index.js";
import type { Replica, Runtime } from "../../runtime/index.js";
import type { ReleaseCache } from "../../runtime/index.js";
import { diffServices } from "../diff-services.js";
import type { ServiceDiff } from "../diff-services.js";
import { applicationHealth } from "../health-summary.js";
import { planSync } from "../plan-sync.js";
import type { HealthStatus, SyncStatus } from "../schema.js";
import type { LiveState, SyncReport, createLiveStore } from "./live-state.js";
import type { ResolvedArtifact } from "./resolve-artifact.js";
import { createDesiredRenderer } from "./desired-renderer.js";
import type { Rendered, RenderProblem } from "./desired-renderer.js";
import { createDriftHealer } from "./drift-healer.js";
import type { DriftView } from "./drift-healer.js";
import { createServiceRunner } from "./service-runner.js";
import type { ServiceRunner, ServiceView } from "./service-runner.js";
import type { SourceCache } from "./source-cache.js";

/** What an Application's status says; sent to the server and shown by `ferry app get`. */
export type ApplicationStatus = {
  /** `selfHeal`: whether the agent heals drift at once (else it reports it until a sync). */
  sync: { status: SyncStatus; revision: string | null; appliedRevision: string | null; selfHeal: boolean; message?: string };
  health: { status: HealthStatus; message: string };
  services: ServiceView[];
  diff?: ServiceDiff;
  /** What runs differently from what the agent runs (only without self-heal: with it, drift is healed at once). */
  drift?: DriftView[];
  pinnedRevision: string | null;
  lastSync?: SyncReport;
  conditions: Array<{ type: string; status: boolean; reason: string; message: string }>;
};

export type SyncRequest = { trigger: string; actor: string; revision?: string; clearPin?: boolean };

export type ApplicationControllerDeps = {
  runtimeFor(kind: "process" | "podman"): Runtime;
  releases: ReleaseCache;
  sources: SourceCache;
  live: ReturnType<typeof createLiveStore>;
  /** An artifact reference resolved to its digest (the agent shares recent answers between Applications). */
  resolveArtifact(ref: string): Promise<ResolvedArtifact>;
  progressDeadlineMs: number;
  proxyHost: string;
  onStatus(app: string, status: ApplicationStatus): void;
  onSync(app: string, report: SyncReport): Promise<boolean>;
  log(message: string, fields?: Record<string, unknown>): void;
};


/**
 * One Application inside an agent: fetch the source revision, render its Services, resolve artifacts to
 * digests, diff against what was last applied, and (automatically or when asked) sync: apply wave by wave
 * in dependsOn order, waiting for health, prune when allowed; record every sync. A source that cannot be
 * fetched or rendered changes nothing: the last good state keeps running and the status says why.
 */
export function createApplicationController(initial: Application, deps: ApplicationControllerDeps) {
  let app = initial;
  const name = app.metadata.name;
  const runners = new Map<string, ServiceRunner>();
  let state: LiveState | undefined;
  let rendered: Rendered | undefined;
  let problem: RenderProblem | undefined;
  const renderer = createDesiredRenderer(deps);
  let busy: Promise<void> = Promise.resolve();
  let statusTimer: NodeJS.Timeout | undefined;
  const abort = new AbortController();
  let started = false;

  const runtime = (): Runtime => deps.runtimeFor(app.spec.destination.runtime);

  const runnerFor = (service: string): ServiceRunner => {
    let r = runners.get(service);
    if (!r) {
      r = createServiceRunner({
        app: name, name: service, runtime: runtime(), progressDeadlineMs: deps.progressDeadlineMs, proxyHost: deps.proxyHost,
        onChange: () => reportSoon(), log: (m, f) => deps.log(m, f),
      });
      runners.set(service, r);
    }
    return r;
  };

  const healer = createDriftHealer({
    app: name, runtime, runners: () => runners.values(), runner: (service) => runners.get(service),
    onChange: () => reportSoon(), log: (m, f) => deps.log(m, f),
  });

  async function loadState(): Promise<LiveState> {
    state ??= await deps.live.load(name);
    return state;
  }

  async function save(): Promise<void> {
    if (state) await deps.live.save(state);
  }

  /** Fetches and renders the source; undefined (with `problem` set) when that fails. */
  async function render(revisionOverride: string | undefined, fresh: boolean): Promise<Rendered | undefined> {
    const r = await renderer.render(app.spec.source, revisionOverride, fresh, rendered);
    problem = r.ok ? undefined : r.problem;
    return r.ok ? r.rendered : undefined;
  }

  /** The diff is asked for by every pass and every status report; it changes only with a render or a sync. */
  let diffMemo: { desired: Rendered; services: readonly Service[]; versions: string; diff: ServiceDiff } | undefined;
  function diffOf(desired: Rendered, live: LiveState): ServiceDiff {
    const versions = JSON.stringify(live.versions);
    if (diffMemo && diffMemo.desired === desired && diffMemo.services === live.services && diffMemo.versions === versions) return diffMemo.diff;
    const diff = computeDiff(desired, live);
    diffMemo = { desired, services: live.services, versions, diff };
    return diff;
  }

  function computeDiff(desired: Rendered, live: LiveState): ServiceDiff {
    const d = diffServices(desired.services, live.services);
    // A tag that now names other bytes changes nothing in the spec but everything in what runs.
    const moved = d.unchanged.filter((n) => live.versions[n] !== undefined && live.versions[n] !== desired.versions[n]);
    if (moved.length === 0) return d;
    return {
      ...d,
      unchanged: d.unchanged.filter((n) => !moved.includes(n)),
      changed: [...d.changed, ...moved.map((n) => ({ name: n, fields: [{ path: "spec.artifact (digest)", from: live.versions[n], to: desired.versions[n] }] }))],
    };
  }

  /** A wave waits for its Services to settle, but never longer than a rollout may take (a first deploy has no old version to fall back to). */
  async function settledWithin(runner: ServiceRunner, ms: number): Promise<HealthStatus> {
    const timeout = AbortSignal.timeout(ms);
    const both = AbortSignal.any([abort.signal, timeout]);
    try {
      return await runner.settled(both);
    } catch {
      return timeout.aborted ? "Progressing" : "Unknown";
    }
  }

  async function sync(req: SyncRequest, target: Rendered): Promise<void> {
    const live = await loadState();
    const startedAt = new Date().toISOString();
    const diff = diffOf(target, live);
    const agentSyncId = randomUUID();
    live.syncing = { agentSyncId, revision: target.revision, trigger: req.trigger, actor: req.actor, changes: diff, startedAt };
    await save();
    const auto = app.spec.syncPolicy.automated;
    const observedHealth = Object.fromEntries([...runners.values()].map((r) => [r.name, r.view().health]));
    // Services whose spec is unchanged but whose artifact digest moved are re-applied too.
    const plan = planSync({ desired: target.services, live: live.services.filter((s) => !diff.changed.some((c) => c.name === s.metadata.name)), observedHealth, prune: auto?.prune ?? false, allowEmpty: auto?.allowEmpty ?? false });
    let result: SyncReport["result"] = "Succeeded";
    let message: string | undefined;
    const applied = new Map(live.services.map((s) => [s.metadata.name, s]));
    for (const wave of plan.waves) {
      const waiting: Array<Promise<HealthStatus>> = [];
      for (const step of wave) {
        const svcName = step.service.metadata.name;
        if (step.type === "apply") {
          const runner = runnerFor(svcName);
          runner.setDesired({ service: step.service, version: target.versions[svcName] ?? "", source: target.sources[svcName] ?? { kind: "image", image: "" } });
          applied.set(svcName, step.service);
          live.versions[svcName] = target.versions[svcName] ?? "";
          waiting.push(settledWithin(runner, deps.progressDeadlineMs + 1000));
        } else {
          await runners.get(svcName)?.remove();
          runners.delete(svcName);
          applied.delete(svcName);
          delete live.versions[svcName];
        }
      }
      live.services = [...applied.values()];
      await save();
      const outcomes = await Promise.all(waiting.map((p) => p.catch(() => "Unknown" as HealthStatus)));
      if (outcomes.some((h) => h !== "Healthy")) {
        result = "Failed";
        message = [...runners.values()].filter((r) => r.view().health !== "Healthy").map((r) => `${r.name}: ${r.view().message}`).join("; ");
        break;
      }
    }
    // Unchanged Services still need a runner (after a restart, or when only others changed).
    for (const svc of target.services) {
      const runner = runnerFor(svc.metadata.name);
      if (runner.view().version === undefined && applied.has(svc.metadata.name)) {
        runner.setDesired({ service: applied.get(svc.metadata.name) ?? svc, version: live.versions[svc.metadata.name] ?? target.versions[svc.metadata.name] ?? "", source: target.sources[svc.metadata.name] ?? { kind: "image", image: "" } });
      }
    }
    if (plan.blocked.length > 0 && result === "Succeeded") {
      result = "Failed";
      message = plan.blocked.map((b) => `${b.service} waits for ${b.waitingFor.join(", ")}`).join("; ");
    }
    if (plan.skippedPrune.length > 0) message = `${message ? `${message}; ` : ""}not pruned: ${plan.skippedPrune.join(", ")}`;
    // A sync puts Git's state back: drift left alone until now (no self-heal) goes too.
    healer.healNow();
    live.revision = target.revision;
    const report: SyncReport = { ...live.syncing, result, ...(message ? { message } : {}), finishedAt: new Date().toISOString() };
    live.syncing = null;
    live.history.push(report);
    live.outbox.push(report);
    await save();
    deps.log("sync finished", { app: name, revision: target.revision, result, trigger: req.trigger });
    await flushOutbox();
  }

  async function flushOutbox(): Promise<void> {
    const live = await loadState();
    while (live.outbox.length > 0) {
      const next = live.outbox[0];
      if (!next || !(await deps.onSync(name, next).catch(() => false))) break;
      live.outbox.shift();
      await save();
    }
  }

  function status(): ApplicationStatus {
    const live = state;
    const views = [...runners.values()].map((r) => r.view()).sort((a, b) => a.name.localeCompare(b.name));
    const diff = rendered && live ? diffOf(rendered, live) : undefined;
    const drift = healer.report();
    const outOfSync = diff ? diff.added.length + diff.changed.length + diff.removed.length > 0 || rendered?.revision !== live?.revision || drift.length > 0 : false;
    const syncState: SyncStatus = !rendered || !live ? "Unknown" : outOfSync ? "OutOfSync" : "Synced";
    const driftMessage = drift.length > 0 ? `drift: ${drift.map((d) => d.message).join("; ")}; a sync (or selfHeal) puts it back` : undefined;
    const syncMessage = [problem?.message, driftMessage].filter((m) => m !== undefined).join("; ");
    const health = applicationHealth(views.map((v) => v.health));
    const lastSync = live?.history[live.history.length - 1];
    return {
      sync: {
        status: syncState, revision: rendered?.revision ?? null, appliedRevision: live?.revision ?? null,
        selfHeal: app.spec.syncPolicy.automated?.selfHeal === true, ...(syncMessage ? { message: syncMessage } : {}),
      },
      health: { status: health, message: views.filter((v) => v.health !== "Healthy").map((v) => `${v.name}: ${v.message}`).join("; ") || (views.length ? "all services healthy" : "no services") },
      services: views,
      ...(diff ? { diff } : {}),
      ...(drift.length > 0 ? { drift } : {}),
      pinnedRevision: live?.pinnedRevision ?? null,
      ...(lastSync ? { lastSync } : {}),
      conditions: [
        ...(problem ? [{ type: "Stalled", status: true, reason: problem.reason, message: problem.message }] : []),
        ...(driftMessage ? [{ type: "Drifted", status: true, reason: "LiveStateDrifted", message: driftMessage }] : []),
      ],
    };
  }

  function reportSoon(): void {
    if (statusTimer || abort.signal.aborted) return;
    statusTimer = setTimeout(() => {
      statusTimer = undefined;
      deps.onStatus(name, status());
    }, 100);
  }

  function serialized(f: () => Promise<void>): Promise<void> {
    busy = busy.then(f, f).catch((error: unknown) => deps.log("application pass failed", { app: name, error: error instanceof Error ? error.message : String(error) }));
    return busy;
  }

  return {
    name,
    get application(): Application { return app; },
    update(next: Application): void { app = next; },
    /** Takes over the replicas a previous agent left, and finishes a sync it was in the middle of. */
    start(replicas: readonly Replica[]): Promise<void> {
      return serialized(async () => {
        const live = await loadState();
        for (const svc of live.services) {
          const mine = replicas.filter((r) => r.app === name && r.service === svc.metadata.name);
          runnerFor(svc.metadata.name).adopt(mine);
        }
        started = true;
        reportSoon();
      });
    },
    /** Fetches and renders; syncs when automated (or when `request` asks). */
    refresh(request?: SyncRequest, opts: { fresh?: boolean } = {}): Promise<void> {
      return serialized(async () => {
        const live = await loadState();
        if (request?.clearPin) live.pinnedRevision = null;
        if (request?.revision) live.pinnedRevision = request.revision;
        const next = await render(live.pinnedRevision ?? undefined, opts.fresh ?? true);
        if (!next) {
          reportSoon();
          return;
        }
        rendered = next;
        // Runners for Services already applied, so a restarted agent supervises them again.
        for (const svc of live.services) {
          const r = runnerFor(svc.metadata.name);
          if (r.view().version === undefined) {
            const source = next.sources[svc.metadata.name];
            const version = live.versions[svc.metadata.name];
            if (source && version) r.setDesired({ service: svc, version, source });
          }
        }
        const diff = diffOf(next, live);
        const changed = diff.added.length + diff.changed.length + diff.removed.length > 0 || next.revision !== live.revision || live.syncing !== null;
        const automated = app.spec.syncPolicy.automated !== undefined && live.pinnedRevision === null;
        if (request || (automated && changed)) {
          await sync(request ?? { trigger: live.syncing ? "resumed" : "automated", actor: "agent" }, next);
        }
        await flushOutbox();
        reportSoon();
      });
    },
    status,
    /**
     * What the runtime runs now (a listing of it, every Application's replicas): drift from what this
     * Application runs is healed (selfHeal) or reported. Nothing happens before start() or after remove().
     */
    observe(replicas: readonly Replica[]): void {
      if (!started || abort.signal.aborted) return;
      healer.observe(replicas, app.spec.syncPolicy.automated?.selfHeal === true);
    },
    exited(replica: Replica): void {
      runners.get(replica.service)?.exited(replica);
    },
    /** The Application is gone: stop everything it runs and forget it. */
    async remove(): Promise<void> {
      abort.abort();
      if (statusTimer) clearTimeout(statusTimer);
      await busy;
      await Promise.all([...runners.values()].map((r) => r.remove()));
      runners.clear();
      await deps.live.remove(name);
    },
    async close(): Promise<void> {
      abort.abort();
      if (statusTimer) clearTimeout(statusTimer);
      await Promise.all([...runners.values()].map((r) => r.close()));
    },
  };
}

export type ApplicationController = ReturnType<typeof createApplicationController>;
