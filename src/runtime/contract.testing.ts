import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RuntimeError } from "./runtime-error.js";
import type { Replica, ReplicaSpecInput } from "./schema.js";
import type { Runtime } from "./types.js";

/**
 * What a runtime implementation gives the shared suite: a source for a small HTTP server, and a way to
 * kill a replica from outside the runtime (as an operator or the OOM killer would).
 *
 * The server listens on `PORT` (the replica's port, or its container port), answers every request with
 * `hello <GREETING>`, prints `listening on <PORT>` once up, prints `got SIGINT` and exits 0 on SIGINT,
 * and prints `ignoring SIGTERM` on SIGTERM and keeps running. When `PORT_ADMIN` is set, it also listens
 * there, answering `admin <GREETING>` when `PORT_1` names the same port (and something else otherwise).
 */
export type ContractSource = {
  /** `containerPort` and `adminContainerPort`: where a container listens for its first and its second port. */
  server(): Pick<ReplicaSpecInput, "source"> & { containerPort?: number; adminContainerPort?: number };
  killExternally(replica: Replica): Promise<void>;
};

export type ContractOptions = { skip?: boolean };

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Waits (up to a generous deadline, so a broken runtime fails instead of hanging) until `probe` yields a value. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await Promise.resolve().then(probe).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

async function get(port: number): Promise<string | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
  return res.ok ? await res.text() : undefined;
}

async function refused(port: number): Promise<boolean> {
  return get(port).then(() => false, () => true);
}

const errorCode = (error: unknown): string | undefined => (error instanceof RuntimeError ? error.code : undefined);

/**
 * The behaviour every runtime must show, run against each implementation with real processes or
 * containers. `makeRuntime` opens a runtime on a state directory (twice on the same one to act out an
 * agent restart).
 */
export function runtimeContractSuite(name: string, makeRuntime: (stateDir: string) => Runtime, makeSource: () => ContractSource, options: ContractOptions = {}): void {
  describe.skipIf(options.skip === true)(`runtime contract: ${name}`, () => {
    const opened: Runtime[] = [];
    const dirs: string[] = [];

    function stateDir(): string {
      const dir = mkdtempSync(join(tmpdir(), "ferry-runtime-"));
      dirs.push(dir);
      return dir;
    }
    function open(dir = stateDir()): Runtime {
      const runtime = makeRuntime(dir);
      opened.push(runtime);
      return runtime;
    }
    async function startServer(runtime: Runtime, spec: Partial<ReplicaSpecInput> = {}): Promise<Replica> {
      const port = await freePort();
      const { source, containerPort } = makeSource().server();
      return runtime.start({
        app: "shop", service: "web", version: "v1a2b3", index: 0, port, source,
        ...(containerPort === undefined ? {} : { containerPort }),
        env: { GREETING: "from the contract" }, stopSignal: "SIGINT", gracePeriodMs: 5000, ...spec,
      });
    }
    const serving = (replica: Replica): Promise<string> => eventually(`replica ${replica.id} serving`, () => get(replica.port ?? 0));
    const listed = async (runtime: Runtime, id: string): Promise<Replica | undefined> => (await runtime.list()).find((r) => r.id === id);

    afterEach(async () => {
      // A fresh instance sees everything each state directory holds, whoever started it.
      for (const dir of dirs.splice(0)) {
        const runtime = makeRuntime(dir);
        for (const r of await runtime.list()) {
          await runtime.stop(r.id);
          await runtime.forget(r.id);
        }
        await runtime.close();
        rmSync(dir, { recursive: true, force: true });
      }
      for (const runtime of opened.splice(0)) await runtime.close();
    });

    it("starts a replica that serves on its port with the environment it was given", async () => {
      const runtime = open();

      const replica = await startServer(runtime);

      expect(await serving(replica)).toContain("hello from the contract");
      expect(replica).toMatchObject({ app: "shop", service: "web", version: "v1a2b3", index: 0, state: "running" });
      expect(await listed(runtime, replica.id)).toMatchObject({ id: replica.id, state: "running", port: replica.port });
      expect((await listed(runtime, replica.id))?.settings?.env?.GREETING).toBe("from the contract");
    });

    it("serves on each of its ports, told them as PORT_<index> and PORT_<NAME>", async () => {
      const runtime = open();
      const web = await freePort();
      const admin = await freePort();
      const { source, containerPort, adminContainerPort } = makeSource().server();

      const replica = await runtime.start({
        app: "shop", service: "web", version: "v1a2b3", index: 0, source, env: { GREETING: "from the contract" }, stopSignal: "SIGINT", gracePeriodMs: 5000,
        ports: [
          { name: "web", port: web, ...(containerPort === undefined ? {} : { containerPort }) },
          { name: "admin", port: admin, ...(adminContainerPort === undefined ? {} : { containerPort: adminContainerPort }) },
        ],
      });

      expect(await eventually("the first port", () => get(web))).toContain("hello from the contract");
      expect(await eventually("the second port", () => get(admin))).toBe("admin from the contract\n");
      expect(replica).toMatchObject({ port: web, ports: [web, admin] });
      expect(await listed(runtime, replica.id)).toMatchObject({ port: web, ports: [web, admin] });
    });

    it("keeps the replica's output as log lines, all of them or the last few", async () => {
      const runtime = open();
      const replica = await startServer(runtime);
      await serving(replica);

      const lines = await eventually("the start-up line", async () => {
        const all = await collect(runtime.logs(replica.id));
        return all.some((l) => l.includes(`listening on`)) ? all : undefined;
      });
      await runtime.stop(replica.id);

      expect(lines.filter((l) => l.includes("listening on"))).toHaveLength(1);
      expect(await collect(runtime.logs(replica.id, { tailLines: 1 }))).toEqual(["got SIGINT"]);
    });

    it("follows the logs until the replica exits", async () => {
      const runtime = open();
      const replica = await startServer(runtime);
      await serving(replica);

      const following = collect(runtime.logs(replica.id, { follow: true }));
      await runtime.stop(replica.id);

      const lines = await following;
      expect(lines.some((l) => l.includes("listening on"))).toBe(true);
      expect(lines).toContain("got SIGINT");
    });

    it("stops with the replica's stop signal: it ends cleanly and stops serving", async () => {
      const runtime = open();
      const replica = await startServer(runtime, { stopSignal: "SIGINT", gracePeriodMs: 20_000 });
      await serving(replica);

      await runtime.stop(replica.id);

      expect(await listed(runtime, replica.id)).toMatchObject({ state: "exited", exitCode: 0 });
      expect(await collect(runtime.logs(replica.id))).toContain("got SIGINT");
      expect(await refused(replica.port ?? 0)).toBe(true);
    });

    it("kills a replica that ignores its stop signal once the grace period is over", async () => {
      const runtime = open();
      const exits: Replica[] = [];
      runtime.onExit((r) => exits.push(r));
      const replica = await startServer(runtime, { stopSignal: "SIGTERM", gracePeriodMs: 1000 });
      await serving(replica);

      await runtime.stop(replica.id);
      await runtime.stop(replica.id);

      expect(await listed(runtime, replica.id)).toMatchObject({ state: "exited", signal: "SIGKILL" });
      expect(await collect(runtime.logs(replica.id))).toContain("ignoring SIGTERM");
      await eventually("the exit event", () => (exits.length > 0 ? true : undefined));
      expect(exits.map((r) => [r.id, r.state])).toEqual([[replica.id, "exited"]]);
    });

    it("tells its listeners when a replica is killed from outside", async () => {
      const runtime = open();
      const exits: Replica[] = [];
      runtime.onExit((r) => exits.push(r));
      const replica = await startServer(runtime);
      await serving(replica);

      await makeSource().killExternally(replica);

      const exit = await eventually("the exit event", () => exits[0]);
      expect(exit).toMatchObject({ id: replica.id, state: "exited" });
      expect(await listed(runtime, replica.id)).toMatchObject({ state: "exited" });
    });

    it("after an agent restart, a new instance adopts the running replica and hears of its exit", async () => {
      const dir = stateDir();
      const first = open(dir);
      const replica = await startServer(first);
      await serving(replica);
      await first.close();

      const second = open(dir);
      const exits: Replica[] = [];
      second.onExit((r) => exits.push(r));

      expect(await listed(second, replica.id)).toMatchObject({ id: replica.id, state: "running", port: replica.port });
      expect(await serving(replica)).toContain("hello");
      await makeSource().killExternally(replica);
      const exit = await eventually("the exit event", () => exits[0]);
      expect(exit).toMatchObject({ id: replica.id, state: "exited" });
      expect(await listed(second, replica.id)).toMatchObject({ state: "exited" });
    });

    it("after an agent restart, a new instance stops an adopted replica with its stop signal", async () => {
      const dir = stateDir();
      const first = open(dir);
      const replica = await startServer(first);
      await serving(replica);
      await first.close();

      const second = open(dir);
      await second.stop(replica.id);

      expect(await listed(second, replica.id)).toMatchObject({ state: "exited" });
      expect(await collect(second.logs(replica.id))).toContain("got SIGINT");
      expect(await refused(replica.port ?? 0)).toBe(true);
    });

    it("forgets an exited replica, and refuses to forget a running one", async () => {
      const runtime = open();
      const replica = await startServer(runtime);
      await serving(replica);

      const whileRunning = await runtime.forget(replica.id).catch((e: unknown) => e);
      await runtime.stop(replica.id);
      await runtime.forget(replica.id);

      expect(errorCode(whileRunning)).toBe("STILL_RUNNING");
      expect(await listed(runtime, replica.id)).toBeUndefined();
      expect(errorCode(await collect(runtime.logs(replica.id)).catch((e: unknown) => e))).toBe("NOT_FOUND");
      await runtime.forget(replica.id);
      await runtime.stop(replica.id);
    });

    it("runs replicas of one service side by side, each on its own port", async () => {
      const runtime = open();
      const a = await startServer(runtime, { index: 0 });
      const b = await startServer(runtime, { index: 1 });

      expect(await serving(a)).toContain("hello");
      expect(await serving(b)).toContain("hello");
      expect(a.id).not.toBe(b.id);
      expect((await runtime.list()).filter((r) => r.state === "running").map((r) => r.index).sort()).toEqual([0, 1]);
    });

    it("refuses a spec it cannot run, starting nothing", async () => {
      const runtime = open();
      const foreign: ReplicaSpecInput["source"] = runtime.capabilities.artifacts
        ? { kind: "image", image: "localhost/none:1" }
        : { kind: "artifact", dir: tmpdir(), command: ["true"] };
      const base = { app: "shop", service: "web", version: "v1", index: 0 };

      const unsupported = await runtime.start({ ...base, source: foreign }).catch((e: unknown) => e);
      const invalid = await runtime.start({ ...base, app: "Not A Name", ...makeSource().server() }).catch((e: unknown) => e);

      expect(errorCode(unsupported)).toBe("UNSUPPORTED_SOURCE");
      expect(errorCode(invalid)).toBe("INVALID_SPEC");
      expect(await runtime.list()).toEqual([]);
    });
  });
}
