import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { createExitListeners } from "../exit-listeners.js";
import { parseReplicaSpec } from "../parse-spec.js";
import { newNonce, replicaId } from "../replica-id.js";
import { RuntimeError } from "../runtime-error.js";
import type { Replica } from "../schema.js";
import type { Runtime } from "../types.js";
import { writeFileAtomic } from "../write-file-atomic.js";
import { commandLines } from "./command-lines.js";
import { containerName, LABELS, managedValue, replicaLabels } from "./container-labels.js";
import { createEngineCli } from "./engine-cli.js";
import { parseInspect } from "./parse-inspect.js";
import { containerPortEnv, envFileOf, runArgs } from "./run-args.js";

export type PodmanRuntimeOptions = {
  /** Names this runtime's containers (by a hash of its path) and holds short-lived env files. */
  stateDir: string;
  /** The engine CLI; default "podman". "docker" works alike (same commands and inspect fields). */
  engine?: "podman" | "docker";
  /** A containers.conf for podman (`CONTAINERS_CONF`). */
  containersConf?: string;
  /** More environment for engine commands (storage.conf, registries.conf...), over `process.env`. */
  env?: Readonly<Record<string, string>>;
  /** How often running containers are checked for exit; default 500 ms. */
  pollIntervalMs?: number;
  logger?: Logger;
};

/**
 * Replicas as containers, through the engine's CLI. Labels on each container are the whole state: a new
 * runtime on the same state directory finds every replica by `ferry.managed` and adopts it.
 */
export function createPodmanRuntime(o: PodmanRuntimeOptions): Runtime {
  const managed = managedValue(o.stateDir);
  const tmpDir = join(o.stateDir, "tmp");
  const baseEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) baseEnv[k] = v;
  const engine = createEngineCli(o.engine ?? "podman", {
    ...baseEnv, ...(o.containersConf === undefined ? {} : { CONTAINERS_CONF: o.containersConf }), ...o.env,
  });
  const listeners = createExitListeners((err) => o.logger?.error({ err }, "runtime exit listener failed"));
  /** What the last look at the engine found, by replica id. */
  let known = new Map<string, Replica>();
  let closed = false;
  let polling = false;
  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => T | Promise<T>): Promise<T> => {
    const next = lock.then(fn, fn);
    lock = next.catch(() => undefined);
    return next;
  };

  async function containerIds(running: boolean): Promise<string[]> {
    const filters = ["--filter", `label=${LABELS.managed}=${managed}`, ...(running ? ["--filter", "status=running"] : [])];
    const out = await engine.check("cannot list containers", ["ps", "-a", "-q", "--no-trunc", ...filters]);
    return out.split("\n").map((l) => l.trim()).filter(Boolean);
  }

  async function inspect(ids: readonly string[]): Promise<Replica[]> {
    if (ids.length === 0) return [];
    // A container removed since it was listed makes the engine fail, but the others are still printed.
    const r = await engine.run(["container", "inspect", ...ids]);
    if (r.code !== 0 && r.stdout.trim() === "") throw new RuntimeError("ENGINE_FAILED", `cannot inspect containers: ${engine.program} inspect failed with exit code ${r.code}`);
    return parseInspect(r.stdout.trim());
  }

  function record(replica: Replica): void {
    const before = known.get(replica.id);
    known.set(replica.id, replica);
    if (before?.state === "running" && replica.state === "exited" && !closed) listeners.emit(replica);
  }

  /** Every container of this runtime, and whether it runs, from one `ps` (podman prints "Up ...", docker "running"). */
  async function containerStates(): Promise<Array<{ containerId: string; running: boolean }>> {
    const out = await engine.check("cannot list containers", ["ps", "-a", "--no-trunc", "--filter", `label=${LABELS.managed}=${managed}`, "--format", "{{.ID}} {{.State}}"]);
    return out.split("\n").map((l) => l.trim()).filter(Boolean).map((line) => {
      const [containerId = "", ...state] = line.split(" ");
      return { containerId, running: /^(up|running|paused|restarting)\b/i.test(state.join(" ")) };
    });
  }

  /**
   * Looks at every container of this runtime: one `ps`, and an inspection of the containers that are new or
   * changed state since the last look (a container's settings never change: a new one is a new id). Tells
   * listeners about replicas that stopped running since the last look.
   */
  function refresh(): Promise<Replica[]> {
    return exclusive(async () => {
      const rows = await containerStates();
      const byContainer = new Map([...known.values()].map((r) => [r.containerId ?? "", r]));
      const stale = rows.filter((row) => {
        const seen = byContainer.get(row.containerId);
        return seen === undefined || (seen.state === "running") !== row.running;
      });
      const inspected = new Map((await inspect(stale.map((row) => row.containerId))).map((r) => [r.containerId ?? "", r]));
      const found = rows.flatMap((row) => {
        const replica = inspected.get(row.containerId) ?? byContainer.get(row.containerId);
        return replica === undefined ? [] : [replica];
      });
      const previous = known;
      known = new Map();
      for (const replica of found) {
        if (previous.has(replica.id)) known.set(replica.id, previous.get(replica.id) as Replica);
        record(replica);
      }
      // Removed by someone else while running: it has exited too, how is unknown.
      for (const gone of previous.values()) {
        if (gone.state === "running" && !known.has(gone.id) && !closed) listeners.emit({ ...gone, state: "exited", exitCode: null, signal: null });
      }
      return [...known.values()];
    });
  }

  /** One cheap `ps` of the running containers; a full look only when that set changed. */
  async function poll(): Promise<void> {
    const expected = [...known.values()].filter((r) => r.state === "running").map((r) => r.containerId).sort();
    if (expected.length === 0) return;
    const running = (await containerIds(true)).sort();
    if (running.join() !== expected.join()) await refresh();
  }

  const ready = refresh().then(() => undefined);
  ready.catch((err: unknown) => o.logger?.error({ err }, "cannot list containers"));
  const poller = setInterval(() => {
    if (polling || closed) return;
    polling = true;
    poll().catch((err: unknown) => o.logger?.warn({ err }, "cannot check containers")).finally(() => { polling = false; });
  }, o.pollIntervalMs ?? 500);
  poller.unref();

  async function find(id: string): Promise<Replica | undefined> {
    await ready.catch(() => undefined);
    return known.get(id) ?? (await refresh()).find((r) => r.id === id);
  }

  return {
    id: "podman",
    capabilities: { artifacts: false, images: true },

    async start(input) {
      if (closed) throw new RuntimeError("CLOSED", "the podman runtime is closed");
      const spec = parseReplicaSpec(input);
      const source = spec.source;
      if (source.kind !== "image") throw new RuntimeError("UNSUPPORTED_SOURCE", `the podman runtime runs images, not ${source.kind} sources`);
      const nonce = newNonce();
      const id = replicaId(spec, nonce);
      const name = containerName(spec, nonce);
      const env = { ...spec.env, ...containerPortEnv(spec) };
      const { text, engineEnv } = envFileOf(env);
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const envFile = join(tmpDir, `${name}.env`);
      try {
        await writeFileAtomic(envFile, text);
        const args = runArgs({ name, labels: replicaLabels(managed, id, spec), spec, image: source.image, command: source.command, envFile });
        await engine.check(`cannot start ${spec.app}/${spec.service} from ${source.image}`, args, { extraEnv: engineEnv, code: "START_FAILED" }).catch(async (error: unknown) => {
          // A container created but not started (a port taken...) is not left behind.
          await engine.run(["rm", "-f", "-v", name]);
          throw error;
        });
      } finally {
        await rm(envFile, { force: true });
      }
      const [replica] = await inspect([name]);
      if (replica === undefined) throw new RuntimeError("START_FAILED", `${spec.app}/${spec.service}: container ${name} vanished after it started`);
      await exclusive(() => {
        known.set(id, replica);
        if (replica.state === "exited" && !closed) listeners.emit(replica);
      });
      return { ...replica };
    },

    async stop(id) {
      const replica = await find(id);
      if (replica?.containerId === undefined || replica.state === "exited") return;
      // The container's own stop signal and timeout (set at start) apply; SIGKILL after them.
      const r = await engine.run(["stop", replica.containerId]);
      const after = (await refresh()).find((x) => x.id === id);
      if (r.code !== 0 && after?.state === "running") {
        throw new RuntimeError("ENGINE_FAILED", `cannot stop replica ${id}: ${engine.program} stop failed with exit code ${r.code}`);
      }
    },

    async list() {
      return (await refresh()).map((r) => ({ ...r })).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
    },

    async forget(id) {
      const replica = await find(id);
      if (replica?.containerId === undefined) return;
      if (replica.state === "running") throw new RuntimeError("STILL_RUNNING", `replica ${id} is running; stop it first`);
      await engine.check(`cannot remove replica ${id}`, ["rm", "-f", "-v", replica.containerId]);
      await exclusive(() => { known.delete(id); });
    },

    async *logs(id, opts = {}) {
      const replica = await find(id);
      if (replica?.containerId === undefined) throw new RuntimeError("NOT_FOUND", `no replica ${id}`);
      const args = ["logs", ...(opts.follow === true ? ["--follow"] : []), ...(opts.tailLines === undefined ? [] : ["--tail", String(opts.tailLines)]), replica.containerId];
      yield* commandLines(engine.program, args, engine.env, opts.signal);
    },

    onExit: (listener) => listeners.add(listener),

    async close() {
      closed = true;
      clearInterval(poller);
      listeners.clear();
      await lock;
    },
  };
}
