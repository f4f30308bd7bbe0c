import type { ChildProcess } from "node:child_process";
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { createExitListeners } from "../exit-listeners.js";
import { parseReplicaSpec } from "../parse-spec.js";
import { newNonce, replicaId } from "../replica-id.js";
import { RuntimeError } from "../runtime-error.js";
import { specPorts } from "../schema.js";
import type { Replica } from "../schema.js";
import type { Runtime } from "../types.js";
import { within } from "../within.js";
import { isSameLiveProcess, readProcStat } from "./proc-stat.js";
import { toReplica } from "./process-record.js";
import type { ProcessRecord } from "./process-record.js";
import { readLogLines } from "./read-log-lines.js";
import { createRecordStore } from "./record-store.js";
import { watchRecords } from "./record-watch.js";
import type { RecordWatch } from "./record-watch.js";
import { spawnReplica } from "./spawn-replica.js";

export type ProcessRuntimeOptions = {
  /** Where replica records and logs live; one agent process per state directory. */
  stateDir: string;
  logger?: Logger;
  /** How often replicas adopted from a previous agent process are checked for exit; default 100 ms. */
  pollIntervalMs?: number;
  /** How long the log of a forgotten replica is kept after its last line; default 1 h. */
  logRetentionMs?: number;
  /** How long to wait for a replica to be gone after SIGKILL before STOP_FAILED; default 30 s. */
  killTimeoutMs?: number;
  /** Where PATH, HOME and LANG of replicas come from; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
};

type Tracked = {
  record: ProcessRecord;
  /** Set for replicas this runtime started (their exit is an event); unset for adopted ones (polled). */
  child: ChildProcess | undefined;
  /** The record's writes, in order. */
  writing: Promise<void>;
  exited: Promise<void>;
  resolveExited: () => void;
  stopping: Promise<void> | undefined;
  /** When the record file was modified as last seen (undefined: not looked at; only without a watch). */
  mtimeMs: number | undefined;
};

/**
 * The embedded runtime: each replica is an OS process in its own process group, started from an unpacked
 * release, logging to a file. Records in the state directory let a new agent process adopt what the
 * previous one started. Linux only: a pid is trusted only with its start time from `/proc`.
 */
export function createProcessRuntime(o: ProcessRuntimeOptions): Runtime {
  const store = createRecordStore(o.stateDir);
  const pollMs = o.pollIntervalMs ?? 100;
  const retentionMs = o.logRetentionMs ?? 60 * 60 * 1000;
  const killTimeoutMs = o.killTimeoutMs ?? 30_000;
  const agentEnv = o.env ?? process.env;
  const tracked = new Map<string, Tracked>();
  /** Ids whose log exists before their record does. */
  const starting = new Set<string>();
  const listeners = createExitListeners((err) => o.logger?.error({ err }, "runtime exit listener failed"));
  let closed = false;
  let polling = false;
  let poller: NodeJS.Timeout | undefined;
  /** Serialises reading the state directory with forgetting, so a forgotten record is never read back. */
  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = lock.then(fn, fn);
    lock = next.catch(() => undefined);
    return next;
  };

  function track(record: ProcessRecord, child: ChildProcess | undefined): Tracked {
    let resolveExited = (): void => undefined;
    const exited = new Promise<void>((resolve) => { resolveExited = resolve; });
    const t: Tracked = { record, child, writing: Promise.resolve(), exited, resolveExited, stopping: undefined, mtimeMs: undefined };
    if (record.state === "exited") resolveExited();
    tracked.set(record.id, t);
    return t;
  }

  function persist(t: Tracked): Promise<void> {
    const record = t.record;
    t.writing = t.writing.then(() => store.write(record)).catch((err: unknown) => {
      o.logger?.error({ err, replica: record.id }, "cannot write replica record");
    });
    return t.writing;
  }

  /** SIGKILLs what is left of the replica's process group, unless its pid now names another process. */
  async function killLeftovers(record: ProcessRecord): Promise<void> {
    const now = await readProcStat(record.pid);
    if (now !== undefined && now.startTicks !== record.startTicks) return;
    try {
      process.kill(-record.pid, "SIGKILL");
    } catch {
      // no group left
    }
  }

  function markExited(t: Tracked, exitCode: number | null, signal: string | null): void {
    if (t.record.state === "exited") return;
    t.record = { ...t.record, state: "exited", exitCode, signal, exitedAt: new Date().toISOString() };
    t.child = undefined;
    void killLeftovers(t.record);
    void persist(t);
    t.resolveExited();
    if (!closed) listeners.emit(toReplica(t.record));
  }

  /** Adopted replicas are not our children: their exit is noticed by looking. */
  async function checkAdopted(): Promise<void> {
    for (const t of [...tracked.values()]) {
      if (t.record.state !== "running" || t.child !== undefined) continue;
      if (!(await isSameLiveProcess(t.record.pid, t.record.startTicks))) markExited(t, null, null);
    }
  }

  /**
   * Reads the records this instance does not track yet (another agent process wrote them), and the
   * settings of a running replica whose record someone else rewrote: list() shows what is recorded.
   */
  function loadFromDisk(): Promise<void> {
    return exclusive(async () => {
      const onBad = (file: string, err: unknown): void => o.logger?.warn({ err, file }, "skipping an unreadable replica record");
      const changed = recordWatch?.take();
      for (const id of await store.ids()) {
        const known = tracked.get(id);
        if (known !== undefined) {
          if (known.record.state !== "running") continue;
          // With the watch, only a file it saw change; without, one whose modification time moved.
          const mtimeMs = changed === undefined ? await store.mtime(id) : undefined;
          if (changed === undefined ? known.mtimeMs !== mtimeMs : changed.has(id)) {
            known.mtimeMs = mtimeMs;
            await rereadSettings(known, onBad);
          }
          continue;
        }
        const record = await store.read(id).catch((err: unknown) => { onBad(store.recordFile(id), err); return undefined; });
        if (record === undefined || tracked.has(id)) continue;
        const t = track(record, undefined);
        if (record.state === "running" && !(await isSameLiveProcess(record.pid, record.startTicks))) markExited(t, null, null);
      }
    });
  }

  async function rereadSettings(t: Tracked, onBad: (file: string, err: unknown) => void): Promise<void> {
    await t.writing;
    const onDisk = await store.read(t.record.id).catch((err: unknown) => { onBad(store.recordFile(t.record.id), err); return undefined; });
    if (onDisk === undefined || onDisk.pid !== t.record.pid || onDisk.startTicks !== t.record.startTicks || t.record.state !== "running") return;
    if (onDisk.settings === undefined) delete t.record.settings;
    else t.record = { ...t.record, settings: onDisk.settings };
  }

  /** Removes logs whose replica is forgotten, once they are older than the retention. */
  async function sweepLogs(): Promise<void> {
    const cutoff = Date.now() - retentionMs;
    for (const name of await readdir(store.logsDir)) {
      const id = name.replace(/\.log$/, "");
      if (id === name || tracked.has(id) || starting.has(id)) continue;
      const file = join(store.logsDir, name);
      const s = await stat(file).catch(() => undefined);
      if (s !== undefined && s.mtimeMs <= cutoff) await rm(file, { force: true });
    }
  }

  let recordWatch: RecordWatch | undefined;
  const ready = (async () => {
    await store.init();
    if (!closed) recordWatch = watchRecords(store.recordsDir);
    await loadFromDisk();
    await sweepLogs();
    if (!closed) {
      poller = setInterval(() => {
        if (polling) return;
        polling = true;
        void checkAdopted().finally(() => { polling = false; });
      }, pollMs);
      poller.unref();
    }
  })();
  ready.catch(() => undefined);

  async function open(): Promise<void> {
    await ready;
    if (closed) throw new RuntimeError("CLOSED", "the process runtime is closed");
  }

  async function find(id: string): Promise<Tracked | undefined> {
    if (!tracked.has(id)) await loadFromDisk();
    return tracked.get(id);
  }

  /** Signals the replica's process group (its pid alone when it left the group); false when it is gone. */
  async function signal(t: Tracked, sig: NodeJS.Signals): Promise<boolean> {
    if (t.record.state === "exited") return false;
    if (t.child === undefined && !(await isSameLiveProcess(t.record.pid, t.record.startTicks))) {
      markExited(t, null, null);
      return false;
    }
    try {
      process.kill(-t.record.pid, sig);
    } catch {
      try {
        process.kill(t.record.pid, sig);
      } catch {
        return false;
      }
    }
    return true;
  }

  async function stopTracked(t: Tracked): Promise<void> {
    await signal(t, t.record.stopSignal);
    if (await within(t.exited, t.record.gracePeriodMs)) return;
    await signal(t, "SIGKILL");
    if (await within(t.exited, killTimeoutMs)) return;
    throw new RuntimeError("STOP_FAILED", `replica ${t.record.id} (pid ${t.record.pid}) is still there ${killTimeoutMs} ms after SIGKILL`);
  }

  return {
    id: "process",
    capabilities: { artifacts: true, images: false },

    async start(input) {
      await open();
      const spec = parseReplicaSpec(input);
      const source = spec.source;
      if (source.kind !== "artifact") throw new RuntimeError("UNSUPPORTED_SOURCE", `the process runtime runs artifacts, not ${source.kind} sources`);
      const id = replicaId(spec, newNonce());
      let t: Tracked | undefined;
      let early: { code: number | null; signal: string | null } | undefined;
      starting.add(id);
      try {
        const child = await spawnReplica({
          spec: { ...spec, source }, logFile: store.logFile(id), agentEnv,
          onExit: (code, sig) => {
            if (t === undefined) early = { code, signal: sig };
            else markExited(t, code, sig);
          },
        });
        const pid = child.pid as number;
        const startTicks = (await readProcStat(pid))?.startTicks ?? "";
        const ports = specPorts(spec).map((p) => p.port);
        const record: ProcessRecord = {
          id, app: spec.app, service: spec.service, version: spec.version, index: spec.index,
          ...(ports[0] === undefined ? {} : { port: ports[0], ports }),
          settings: { dir: source.dir, command: source.command, args: spec.args, env: spec.env, envComplete: true },
          state: "running", pid, startTicks, startedAt: new Date().toISOString(),
          stopSignal: spec.stopSignal, gracePeriodMs: spec.gracePeriodMs,
        };
        const started = track(record, child);
        t = started;
        await persist(started);
        if (early !== undefined) markExited(started, early.code, early.signal);
        return toReplica(started.record);
      } finally {
        starting.delete(id);
      }
    },

    async stop(id) {
      await ready;
      const t = await find(id);
      if (t === undefined || t.record.state === "exited") return;
      t.stopping ??= stopTracked(t).finally(() => { t.stopping = undefined; });
      await t.stopping;
    },

    async list(): Promise<Replica[]> {
      await ready;
      await loadFromDisk();
      await checkAdopted();
      return [...tracked.values()].map((t) => toReplica(t.record)).sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
    },

    async forget(id) {
      await ready;
      await exclusive(async () => {
        const t = tracked.get(id);
        if (t === undefined) {
          await store.remove(id);
          return;
        }
        if (t.record.state === "running" && t.child === undefined) await checkAdopted();
        if (t.record.state === "running") throw new RuntimeError("STILL_RUNNING", `replica ${id} is running; stop it first`);
        await t.writing;
        await store.remove(id);
        tracked.delete(id);
      });
      await sweepLogs();
    },

    async *logs(id, opts = {}) {
      await ready;
      const t = await find(id);
      if (t === undefined) throw new RuntimeError("NOT_FOUND", `no replica ${id}`);
      yield* readLogLines(store.logFile(t.record.id), { ...opts, isDone: () => closed || t.record.state === "exited" });
    },

    onExit: (listener) => listeners.add(listener),

    async close() {
      closed = true;
      recordWatch?.close();
      if (poller !== undefined) clearInterval(poller);
      await ready.catch(() => undefined);
      for (const t of tracked.values()) t.child?.removeAllListeners("exit");
      listeners.clear();
      await Promise.all([...tracked.values()].map((t) => t.writing));
    },
  };
}
