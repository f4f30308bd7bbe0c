import type { Service } from "../../resources/index.js";
import { parseDuration } from "../../resources/index.js";
import type { Replica, ReplicaSpecInput, Runtime } from "../../runtime/index.js";
import type { HealthState, Prober } from "../health/index.js";
import { createServiceProxy } from "../proxy/index.js";
import type { ServiceProxy } from "../proxy/index.js";
import type { HealthStatus } from "../schema.js";
import { freePort } from "./free-port.js";
import { createReplicaProber } from "./replica-prober.js";

/** What one Service should run: its spec from Git, the version hash, and where its program comes from. */
export type DesiredService = {
  service: Service;
  version: string;
  source: ReplicaSpecInput["source"];
};

/** One replica as status shows it. */
export type ReplicaView = { id: string; index: number; version: string; port?: number; pid?: number; health: HealthState | "Stopping"; message: string; startedAt: string };

export type ServiceView = { name: string; version: string | undefined; health: HealthStatus; message: string; replicas: ReplicaView[]; restarts: number };

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
  /** Whether this runner supervises (or is about to adopt) the replica. */
  has(replicaId: string): boolean;
  view(): ServiceView;
  /** Resolves when the current version is Healthy, or with Degraded when its rollout failed; rejects on abort. */
  settled(signal: AbortSignal): Promise<HealthStatus>;
  /** Stops every replica and the proxy: the Service is gone. */
  remove(): Promise<void>;
  /** Stops probing and proxying; leaves the replicas running for the next agent process. */
  close(): Promise<void>;
};

type Managed = { replica: Replica; prober: Prober; health: HealthState; stopping: boolean };

const BACKOFF_START_MS = 200;
const BACKOFF_MAX_MS = 30_000;
/** A replica that ran healthy this long resets its restart backoff. */
const STABLE_MS = 10_000;

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
  let proxy: { port: number; protocol: "http" | "tcp"; server: ServiceProxy } | undefined;
  const backoff = new Map<number, { failures: number; notBefore: number; lastExit: string }>();
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
    const entry: Managed = { replica, health: "Progressing", stopping: false, prober: undefined as unknown as Prober };
    managed.set(replica.id, entry);
    const cwd = d.source.kind === "artifact" ? d.source.dir : undefined;
    entry.prober = createReplicaProber(d.service, replica.port ? [replica.port] : [], cwd, (c) => {
        entry.health = c.state;
        if (c.state === "Healthy") {
          const b = backoff.get(replica.index);
          if (b) setTimeout(() => { if (managed.has(replica.id) && entry.health === "Healthy") backoff.delete(replica.index); }, STABLE_MS).unref();
        }
        schedule();
        changed();
      });
    entry.health = entry.prober.state;
  }

  async function startReplica(d: DesiredService, index: number): Promise<void> {
    const port = d.service.spec.ports.length > 0 ? await freePort() : undefined;
    const firstPort = d.service.spec.ports[0];
    const spec: ReplicaSpecInput = {
      app: o.app, service: o.name, version: d.version, index, source: d.source, args: d.service.spec.args, env: d.service.spec.env,
      stopSignal: d.service.spec.stopSignal, gracePeriodMs: parseDuration(d.service.spec.gracePeriod),
      ...(port === undefined ? {} : { port, ...(firstPort?.containerPort ? { containerPort: firstPort.containerPort } : {}) }),
    };
    const replica = await o.runtime.start(spec);
    if (closed) {
      // Removed or closed while this replica was starting: it must not outlive the Service.
      await o.runtime.stop(replica.id);
      await o.runtime.forget(replica.id).catch(() => undefined);
      return;
    }
    o.log("replica started", { app: o.app, service: o.name, version: d.version, index, port, replica: replica.id });
    track(replica);
    changed();
  }

  async function stopReplica(entry: Managed, drain: boolean): Promise<void> {
    if (entry.stopping) return;
    entry.stopping = true;
    entry.prober.stop();
    updateBackends();
    if (drain && proxy) await proxy.server.drain(entry.replica.id, 10_000);
    await o.runtime.stop(entry.replica.id);
    managed.delete(entry.replica.id);
    await o.runtime.forget(entry.replica.id).catch(() => undefined);
    changed();
  }

  function updateBackends(): void {
    if (!proxy) return;
    proxy.server.setBackends([...managed.values()]
      .filter((m) => !m.stopping && m.health === "Healthy" && m.replica.port !== undefined)
      .map((m) => ({ id: m.replica.id, host: "127.0.0.1", port: m.replica.port ?? 0 })));
  }

  async function ensureProxy(d: DesiredService): Promise<void> {
    const want = d.service.spec.ports[0];
    if (proxy && (!want || proxy.port !== want.port || proxy.protocol !== want.protocol)) {
      await proxy.server.close();
      proxy = undefined;
    }
    if (!want || proxy) return;
    const server = createServiceProxy({ host: o.proxyHost, port: want.port, protocol: want.protocol });
    await server.listen();
    proxy = { port: want.port, protocol: want.protocol, server };
  }

  async function reconcile(): Promise<void> {
    const d = desired;
    if (!d || closed) return;
    await ensureProxy(d);
    const live = [...managed.values()].filter((m) => !m.stopping);
    const current = live.filter((m) => m.replica.version === d.version);
    const old = live.filter((m) => m.replica.version !== d.version);
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
    } else if (!failed && old.length > 0 && Date.now() - rolloutStartedAt > o.progressDeadlineMs) {
      failedVersion = { version: d.version, reason: `version ${d.version} did not become healthy within ${Math.round(o.progressDeadlineMs / 1000)}s: ${describeProblem(current) ?? "no replica became ready"}` };
      o.log("rollout failed; the previous version keeps serving", { app: o.app, service: o.name, version: d.version });
      await Promise.all(current.map((m) => stopReplica(m, false)));
    } else if (!failed && old.length > 0) {
      schedule(Math.min(1000, Math.max(50, o.progressDeadlineMs - (Date.now() - rolloutStartedAt))));
    }
    updateBackends();
    changed();
  }

  function restartAllowed(service: Service, lastExit: string): boolean {
    if (service.spec.restartPolicy === "Always") return true;
    if (service.spec.restartPolicy === "Never") return false;
    return lastExit !== "exit code 0";
  }

  function describeProblem(ms: readonly Managed[]): string | undefined {
    const m = ms.find((x) => x.health !== "Healthy");
    return m ? `replica ${m.replica.index}: ${m.prober.lastMessage}` : undefined;
  }

  function health(): { health: HealthStatus; message: string } {
    const d = desired;
    if (!d) return { health: "Unknown", message: "not applied yet" };
    const n = d.service.spec.replicas;
    const live = [...managed.values()].filter((m) => !m.stopping);
    const current = live.filter((m) => m.replica.version === d.version);
    const healthy = current.filter((m) => m.health === "Healthy" && m.replica.index < n).length;
    if (failedVersion?.version === d.version) {
      return { health: "Degraded", message: `${failedVersion.reason}${live.length > 0 ? "; the previous version keeps serving" : ""}` };
    }
    if (healthy >= n && current.length === healthy) return { health: "Healthy", message: `${healthy}/${n} replicas healthy` };
    const crashing = [...backoff.entries()].find(([, b]) => b.failures >= 3);
    if (crashing) return { health: "Degraded", message: `replica ${crashing[0]} keeps exiting (${crashing[1].lastExit}); restarting with backoff` };
    if (current.some((m) => m.health === "Degraded")) return { health: "Degraded", message: describeProblem(current) ?? "a replica is failing its health check" };
    if (live.length === 0 && n > 0) return { health: "Missing", message: "no replica runs" };
    return { health: "Progressing", message: `${healthy}/${n} replicas healthy${describeProblem(current) ? `; ${describeProblem(current) ?? ""}` : ""}` };
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
      return managed.has(replicaId) || pendingAdopt.some((r) => r.id === replicaId);
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
        const previous = backoff.get(replica.index);
        const failures = (previous?.failures ?? 0) + 1;
        const delay = failures <= 1 ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** (failures - 2));
        backoff.set(replica.index, { failures, notBefore: Date.now() + delay, lastExit });
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
        replicas: [...managed.values()].map((m): ReplicaView => ({
          id: m.replica.id, index: m.replica.index, version: m.replica.version, health: m.stopping ? "Stopping" : m.health, message: m.prober.lastMessage,
          startedAt: m.replica.startedAt, ...(m.replica.port ? { port: m.replica.port } : {}), ...(m.replica.pid ? { pid: m.replica.pid } : {}),
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
      if (proxy) await proxy.server.close();
      proxy = undefined;
      changed();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const m of managed.values()) m.prober.stop();
      if (proxy) await proxy.server.close();
      proxy = undefined;
    },
  };
}
