import { replicaPorts } from "../../runtime/index.js";
import type { Replica, ReplicaSettings, Runtime } from "../../runtime/index.js";
import type { HealthState, Prober } from "../health/index.js";
import type { HealthStatus } from "../schema.js";
import { desiredSettings, replicaSpecFor, restartAllowed } from "./desired-replica.js";
import type { DesiredService } from "./desired-replica.js";
import { freePorts } from "./free-port.js";
import { createReplicaProber } from "./replica-prober.js";
import { describeProblem, serviceHealth } from "./service-health.js";
import type { LiveReplica } from "./service-health.js";
import { createRestartBackoff } from "./restart-backoff.js";
import { createServiceProxies } from "./service-proxies.js";

export type { DesiredService } from "./desired-replica.js";

/** One replica as status shows it. */
export type ReplicaView = { id: string; index: number; version: string; port?: number; ports?: number[]; pid?: number; health: HealthState | "Stopping"; message: string; startedAt: string };

export type ServiceView = {
  name: string; version: string | undefined; health: HealthStatus; message: string; replicas: ReplicaView[]; restarts: number;
  /** The artifact or image reference Git names for the Service, as written (promotions pin it by digest). */
  artifact?: string;
};

export type ServiceRunnerOptions = {
  app: string;
  name: string;
  runtime: Runtime;
  /** How long a new version may take to become healthy before the rollout is given up. */
  progressDeadlineMs: number;
  /** Where the proxy listens (the Service's ports are on this address). */
  proxyHost: string;
  /** Called whenever the health or replicas change, so the caller can report status. */
  onChange(): void;
  log(message: string, fields?: Record<string, unknown>): void;
};

export type ServiceRunner = {
  readonly name: string;
  /** Runs `desired` from now on: starts replicas, rolls a new version out, scales. */
  setDesired(desired: DesiredService): void;
  /** Takes over replicas a previous agent process left running. */
  adopt(replicas: readonly Replica[]): void;
  /** A replica of this Service exited. */
  exited(replica: Replica): void;
  /** Whether this runner supervises (or is about to adopt) the replica, or stopped it a moment ago. */
  has(replicaId: string): boolean;
  /** Whether a replica start is under way (a replica listed now may not be handed over yet). */
  readonly starting: boolean;
  /** What each replica of the current version must run (for drift checks); undefined before setDesired. */
  desiredSettings(): { version: string; settings: ReplicaSettings } | undefined;
  /** A supervised replica runs something else than it should: a new one takes its place, then it is stopped. False when it is being replaced or stopped already. */
  replace(replicaId: string, reason: string): boolean;
  view(): ServiceView;
  /** Resolves when the current version is Healthy, or with Degraded when its rollout failed; rejects on abort. */
  settled(signal: AbortSignal): Promise<HealthStatus>;
  /** Stops every replica and the proxy: the Service is gone. */
  remove(): Promise<void>;
  /** Stops probing and proxying; leaves the replicas running for the next agent process. */
  close(): Promise<void>;
};

const referenceOf = (d: DesiredService | undefined): { artifact?: string } => {
  const ref = d?.service.spec.artifact ?? d?.service.spec.image;
  return ref === undefined ? {} : { artifact: ref };
};

type Managed = { replica: Replica; prober: Prober; health: HealthState; stopping: boolean; drifted: boolean };

/** A replica that ran healthy this long resets its restart backoff. */
const STABLE_MS = 10_000;
/** How long a replica this runner stopped still counts as its own (a listing taken before the stop may show it). */
const RETIRED_MS = 10_000;

/**
 * Keeps one Service's replicas as desired, inside one agent: the right number of the right version,
 * each probed; a rolling update starts new replicas, waits until they are healthy, moves traffic, then
 * drains and stops the old ones; a new version that does not become healthy in time is stopped and the
 * old one keeps serving. Exited replicas are restarted by the restart policy, with exponential backoff.
 */
export function createServiceRunner(o: ServiceRunnerOptions): ServiceRunner {
  const managed = new Map<string, Managed>();
  /** Replicas handed over before the desired spec is known; tracked (and probed as the spec says) once it is. */
  let pendingAdopt: Replica[] = [];
  let desired: DesiredService | undefined;
  let rolloutStartedAt = 0;
  let failedVersion: { version: string; reason: string } | undefined;
  const proxies = createServiceProxies({ host: o.proxyHost });
  /** Replicas this runner stopped, by id, with when. */
  const retired = new Map<string, number>();
  let startsInFlight = 0;
  const backoff = createRestartBackoff();
  let restarts = 0;
  let closed = false;
  let running = false;
  let inFlight: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const settledWaiters = new Set<() => void>();

  const changed = (): void => {
    for (const w of [...settledWaiters]) w();
    o.onChange();
  };

  function schedule(delayMs = 0): void {
    if (closed) return;
    if (delayMs > 0) {
      if (timer === undefined) timer = setTimeout(() => { timer = undefined; schedule(); }, delayMs);
      return;
    }
    if (running) {
      again = true;
      return;
    }
    running = true;
    inFlight = reconcile()
      .catch((error: unknown) => o.log("service reconcile failed", { app: o.app, service: o.name, error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        running = false;
        inFlight = undefined;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function track(replica: Replica): void {
    if (managed.has(replica.id) || replica.state !== "running") return;
    const d = desired;
    if (!d) return;
    const entry: Managed = { replica, health: "Progressing", stopping: false, drifted: false, prober: undefined as unknown as Prober };
    managed.set(replica.id, entry);
    const cwd = d.source.kind === "artifact" ? d.source.dir : undefined;
    entry.prober = createReplicaProber(d.service, replicaPorts(replica), cwd, (c) => {
        entry.health = c.state;
        if (c.state === "Healthy") {
          const b = backoff.get(replica.index);
          if (b) setTimeout(() => { if (managed.has(replica.id) && entry.health === "Healthy") backoff.reset(replica.index); }, STABLE_MS).unref();
        }
        schedule();
        changed();
      });
    entry.health = entry.prober.state;
  }

  async function startReplica(d: DesiredService, index: number): Promise<void> {
    startsInFlight += 1;
    try {
      await startOne(d, index);
    } finally {
      startsInFlight -= 1;
    }
  }

  async function startOne(d: DesiredService, index: number): Promise<void> {
    const ports = await freePorts(d.service.spec.ports.length);
    const replica = await o.runtime.start(replicaSpecFor(o.app, d, index, ports));
    if (closed) {
      // Removed or closed while this replica was starting: it must not outlive the Service.
      await o.runtime.stop(replica.id);
      await o.runtime.forget(replica.id).catch(() => undefined);
      return;
    }
    o.log("replica started", { app: o.app, service: o.name, version: d.version, index, ports, replica: replica.id });
    track(replica);
    changed();
  }

  async function stopReplica(entry: Managed, drain: boolean): Promise<void> {
    if (entry.stopping) return;
    entry.stopping = true;
    entry.prober.stop();
    updateBackends();
    if (drain) await proxies.drain(entry.replica.id, 10_000);
    await o.runtime.stop(entry.replica.id);
    retire(entry.replica.id);
    managed.delete(entry.replica.id);
    await o.runtime.forget(entry.replica.id).catch(() => undefined);
    changed();
  }

  function retire(id: string): void {
    const now = Date.now();
    retired.set(id, now);
    for (const [k, at] of retired) if (now - at > RETIRED_MS) retired.delete(k);
  }

  function updateBackends(): void {
    proxies.setBackends([...managed.values()]
      .filter((m) => !m.stopping && m.health === "Healthy")
      .map((m) => ({ id: m.replica.id, ports: replicaPorts(m.replica) }))
      .filter((b) => b.ports.length > 0));
  }

  async function reconcile(): Promise<void> {
    const d = desired;
    if (!d || closed) return;
    await proxies.ensure(d.service.spec.ports);
    const live = [...managed.values()].filter((m) => !m.stopping);
    // A drifted replica is replaced like one of an old version: a new one first, then it goes.
    const isCurrent = (m: Managed): boolean => m.replica.version === d.version && !m.drifted;
    const old = live.filter((m) => !isCurrent(m));
    const current: Managed[] = [];
    for (const m of live.filter(isCurrent).sort((a, b) => a.replica.startedAt.localeCompare(b.replica.startedAt))) {
      // Two replicas in one slot (both adopted after a crash): the newer one goes.
      if (current.some((c) => c.replica.index === m.replica.index)) await stopReplica(m, true);
      else current.push(m);
    }
    const n = d.service.spec.replicas;
    const failed = failedVersion?.version === d.version;

    if (!failed) {
      for (let index = 0; index < n; index++) {
        if (closed) return;
        if (current.some((m) => m.replica.index === index)) continue;
        const b = backoff.get(index);
        if (b && b.notBefore > Date.now()) {
          schedule(b.notBefore - Date.now());
          continue;
        }
        if (b && !restartAllowed(d.service, b.lastExit)) continue;
        await startReplica(d, index);
      }
    }
    for (const m of current) if (m.replica.index >= n) await stopReplica(m, true);

    const ready = current.filter((m) => m.replica.index < n && m.health === "Healthy").length;
    if (!failed && ready >= n && old.length > 0) {
      // The new version serves on its own: move traffic, then drain and stop the old replicas.
      updateBackends();
      await Promise.all(old.map((m) => stopReplica(m, true)));
    } else if (!failed && old.some((m) => m.replica.version !== d.version) && Date.now() - rolloutStartedAt > o.progressDeadlineMs) {
      failedVersion = { version: d.version, reason: `version ${d.version} did not become healthy within ${Math.round(o.progressDeadlineMs / 1000)}s: ${describeProblem(current.map(liveOf)) ?? "no replica became ready"}` };
      o.log("rollout failed; the previous version keeps serving", { app: o.app, service: o.name, version: d.version });
      await Promise.all(current.map((m) => stopReplica(m, false)));
    } else if (!failed && old.length > 0) {
      schedule(Math.min(1000, Math.max(50, o.progressDeadlineMs - (Date.now() - rolloutStartedAt))));
    }
    updateBackends();
    changed();
  }

  const liveOf = (m: Managed): LiveReplica => ({ index: m.replica.index, version: m.replica.version, health: m.health, message: m.prober.lastMessage });

  function health(): { health: HealthStatus; message: string } {
    return serviceHealth({
      desired: desired ? { version: desired.version, replicas: desired.service.spec.replicas } : undefined,
      live: [...managed.values()].filter((m) => !m.stopping).map(liveOf),
      failed: failedVersion,
      crashing: backoff.crashing(),
    });
  }

  return {
    name: o.name,
    setDesired(d) {
      const newVersion = desired?.version !== d.version;
      desired = d;
      for (const r of pendingAdopt) track(r);
      pendingAdopt = [];
      if (newVersion) {
        rolloutStartedAt = Date.now();
        if (failedVersion && failedVersion.version !== d.version) failedVersion = undefined;
        backoff.clear();
      }
      schedule();
    },
    adopt(replicas) {
      const mine = replicas.filter((r) => r.app === o.app && r.service === o.name && !managed.has(r.id));
      if (!desired) {
        pendingAdopt.push(...mine.filter((r) => !pendingAdopt.some((p) => p.id === r.id)));
        return;
      }
      for (const r of mine) track(r);
      schedule();
    },
    has(replicaId) {
      return managed.has(replicaId) || pendingAdopt.some((r) => r.id === replicaId) || retired.has(replicaId);
    },
    get starting() {
      return startsInFlight > 0;
    },
    desiredSettings() {
      return desired ? { version: desired.version, settings: desiredSettings(desired) } : undefined;
    },
    replace(replicaId, reason) {
      const entry = managed.get(replicaId);
      if (!entry || entry.stopping || entry.drifted) return false;
      entry.drifted = true;
      // The replacement has the usual time to become healthy; until then the drifted replica keeps serving.
      rolloutStartedAt = Date.now();
      o.log("replacing a replica that drifted", { app: o.app, service: o.name, replica: replicaId, reason });
      schedule();
      return true;
    },
    exited(replica) {
      const entry = managed.get(replica.id);
      if (!entry) return;
      entry.prober.stop();
      managed.delete(replica.id);
      void o.runtime.forget(replica.id).catch(() => undefined);
      if (entry.stopping) return;
      const lastExit = replica.exitCode !== null && replica.exitCode !== undefined ? `exit code ${replica.exitCode}` : `signal ${replica.signal ?? "unknown"}`;
      if (replica.version === desired?.version) {
        backoff.exited(replica.index, lastExit);
        restarts += 1;
      }
      o.log("replica exited", { app: o.app, service: o.name, replica: replica.id, exit: lastExit });
      updateBackends();
      changed();
      schedule();
    },
    view(): ServiceView {
      const h = health();
      return {
        name: o.name, version: desired?.version, health: h.health, message: h.message, restarts,
        ...referenceOf(desired),
        replicas: [...managed.values()].map((m): ReplicaView => ({
          id: m.replica.id, index: m.replica.index, version: m.replica.version, health: m.stopping ? "Stopping" : m.health, message: m.prober.lastMessage,
          startedAt: m.replica.startedAt, ...(m.replica.port ? { port: m.replica.port } : {}), ...(m.replica.pid ? { pid: m.replica.pid } : {}),
          ...(replicaPorts(m.replica).length > 1 ? { ports: replicaPorts(m.replica) } : {}),
        })).sort((a, b) => a.index - b.index || a.startedAt.localeCompare(b.startedAt)),
      };
    },
    settled(signal) {
      return new Promise<HealthStatus>((resolve, reject) => {
        const check = (): void => {
          const h = health().health;
          if (h === "Healthy" || (h === "Degraded" && failedVersion?.version === desired?.version)) finish(() => resolve(h));
        };
        const onAbort = (): void => finish(() => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted")));
        const finish = (f: () => void): void => {
          settledWaiters.delete(check);
          signal.removeEventListener("abort", onAbort);
          f();
        };
        settledWaiters.add(check);
        signal.addEventListener("abort", onAbort, { once: true });
        check();
      });
    },
    async remove() {
      closed = true;
      if (timer) clearTimeout(timer);
      // A pass under way may be starting a replica: let it finish (it stops what it started once closed).
      await inFlight;
      desired = undefined;
      await Promise.all([...managed.values()].map((m) => stopReplica(m, true)));
      await proxies.close();
      changed();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const m of managed.values()) m.prober.stop();
      await proxies.close();
    },
  };
}
