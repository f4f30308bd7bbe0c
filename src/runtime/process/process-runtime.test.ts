import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { collect, eventually, freePort, runtimeContractSuite } from "../contract.testing.js";
import type { RuntimeError } from "../runtime-error.js";
import type { Replica, ReplicaSpecInput } from "../schema.js";
import type { Runtime } from "../types.js";
import { createProcessRuntime } from "./process-runtime.js";
import type { ProcessRuntimeOptions } from "./process-runtime.js";

const HERE = dirname(fileURLToPath(import.meta.url));

/** The contract's HTTP server as a Node script in a release directory. */
const SERVER = `
import { createServer } from "node:http";
const port = Number(process.env.PORT);
createServer((req, res) => { console.log("served " + req.url); res.end("hello " + (process.env.GREETING ?? "") + "\\n"); })
  .listen(port, "127.0.0.1", () => console.log("listening on " + port));
process.on("SIGINT", () => { console.log("got SIGINT"); process.exit(0); });
process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
if (process.env.PORT_ADMIN) {
  const answer = process.env.PORT_1 === process.env.PORT_ADMIN ? "admin " + (process.env.GREETING ?? "") : "PORT_1 is " + process.env.PORT_1;
  createServer((req, res) => res.end(answer + "\\n")).listen(Number(process.env.PORT_ADMIN), "127.0.0.1");
}
`;

let release: string;
beforeAll(() => {
  release = mkdtempSync(join(tmpdir(), "ferry-release-"));
  mkdirSync(release, { recursive: true });
  writeFileSync(join(release, "server.mjs"), SERVER);
});
afterAll(() => {
  rmSync(release, { recursive: true, force: true });
});

runtimeContractSuite(
  "process",
  (stateDir) => createProcessRuntime({ stateDir, logRetentionMs: 0 }),
  () => ({
    server: () => ({ source: { kind: "artifact", dir: release, command: [process.execPath, "server.mjs"] } }),
    killExternally: (replica) => {
      process.kill(replica.pid ?? 0, "SIGKILL");
      return Promise.resolve();
    },
  }),
);

describe("process runtime", () => {
  let tmp: string;
  let stateDir: string;
  const strays: number[] = [];
  const runtimes: Runtime[] = [];
  const open = (o: Partial<ProcessRuntimeOptions> = {}): Runtime => {
    const runtime = createProcessRuntime({ stateDir, logRetentionMs: 0, ...o });
    runtimes.push(runtime);
    return runtime;
  };
  const script = (name: string, text: string): ReplicaSpecInput["source"] => {
    writeFileSync(join(tmp, name), text);
    return { kind: "artifact", dir: tmp, command: [process.execPath, name] };
  };
  const spec = (source: ReplicaSpecInput["source"], more: Partial<ReplicaSpecInput> = {}): ReplicaSpecInput =>
    ({ app: "shop", service: "worker", version: "v1", index: 0, source, stopSignal: "SIGINT", gracePeriodMs: 5000, ...more });
  /** Whether the process exists and is not a zombie waiting for its parent (or init) to reap it. */
  const alive = (pid: number): boolean => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
    } catch {
      return false;
    }
  };
  const exited = (runtime: Runtime, id: string): Promise<Replica> =>
    eventually(`${id} exited`, async () => (await runtime.list()).find((r) => r.id === id && r.state === "exited"));

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "ferry-process-runtime-"));
    stateDir = join(tmp, "state");
  });
  afterEach(async () => {
    const cleaner = createProcessRuntime({ stateDir });
    for (const r of await cleaner.list()) await cleaner.stop(r.id);
    await cleaner.close();
    for (const runtime of runtimes.splice(0)) await runtime.close();
    for (const pid of strays.splice(0)) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  });

  it("passes argv as given, never through a shell, and only a minimal environment", async () => {
    const runtime = open({ env: { PATH: "/usr/bin:/bin", HOME: "/home/app", LANG: "C.UTF-8", FERRY_TOKEN: "agent-secret" } });
    const source = script("print.mjs", "console.log(JSON.stringify({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() }));\n");
    if (source.kind === "artifact") source.command.push("$HOME");

    const replica = await runtime.start(spec(source, { args: ["; echo injected", "*"], env: { MODE: "print" }, port: 4321 }));
    const done = await exited(runtime, replica.id);
    const printed = JSON.parse((await collect(runtime.logs(replica.id)))[0] ?? "{}") as { argv: string[]; env: Record<string, string>; cwd: string };

    expect(done).toMatchObject({ exitCode: 0, signal: null });
    expect(printed.argv).toEqual(["$HOME", "; echo injected", "*"]);
    expect(printed.env).toEqual({ PATH: "/usr/bin:/bin", HOME: "/home/app", LANG: "C.UTF-8", MODE: "print", PORT: "4321", PORT_0: "4321" });
    expect(printed.cwd).toBe(realpathSync(tmp));
  });

  it("reports the exit code of a replica that ends by itself", async () => {
    const runtime = open();
    const exits: Replica[] = [];
    runtime.onExit((r) => exits.push(r));

    const replica = await runtime.start(spec(script("fail.mjs", "console.error('cannot connect'); process.exit(3);\n")));

    const exit = await eventually("the exit event", () => exits[0]);
    expect(exit).toMatchObject({ id: replica.id, state: "exited", exitCode: 3, signal: null });
    expect(await collect(runtime.logs(replica.id))).toEqual(["cannot connect"]);
  });

  it.each([
    ["is stopped", true],
    ["exits by itself", false],
  ])("kills what a replica started when it %s", async (_what, stop) => {
    const runtime = open();
    const source = script("parent.mjs", `
      import { spawn } from "node:child_process";
      const child = spawn(process.execPath, ["-e", "process.on('SIGINT', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
      console.log(child.pid);
      setTimeout(() => { if (${String(!stop)}) process.exit(0); }, 300);
      process.on("SIGINT", () => process.exit(0));
      setInterval(() => {}, 1000);
    `);

    const replica = await runtime.start(spec(source));
    const child = Number(await eventually("the child's pid", async () => (await collect(runtime.logs(replica.id)))[0]));
    strays.push(child);
    if (stop) await runtime.stop(replica.id);

    await exited(runtime, replica.id);
    expect(await eventually("the child gone", () => (alive(child) ? undefined : true))).toBe(true);
  });

  it("keeps a replica running and logging when the agent process is killed; the next agent adopts it", async () => {
    const agent = join(tmp, "agent.mjs");
    writeFileSync(join(tmp, "agent-entry.mjs"), `
      import { createProcessRuntime } from ${JSON.stringify(join(HERE, "process-runtime.ts"))};
      const runtime = createProcessRuntime({ stateDir: process.argv[2] });
      const replica = await runtime.start(JSON.parse(process.argv[3]));
      process.stdout.write(JSON.stringify(replica) + "\\n");
      setInterval(() => {}, 60_000);
    `);
    await build({ entryPoints: [join(tmp, "agent-entry.mjs")], bundle: true, platform: "node", format: "esm", outfile: agent, logLevel: "silent" });
    const port = await freePort();
    const child = spawn(process.execPath, [agent, stateDir, JSON.stringify(spec({ kind: "artifact", dir: release, command: [process.execPath, "server.mjs"] }, { port }))], { stdio: ["ignore", "pipe", "inherit"] });
    strays.push(child.pid ?? 0);
    const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
    const started = JSON.parse(line) as Replica;

    child.kill("SIGKILL");
    await once(child, "exit");
    const answer = await eventually("the replica serving", () => fetch(`http://127.0.0.1:${port}/after-the-agent-died`).then((r) => r.text()));
    const next = open();

    expect(answer).toContain("hello");
    expect((await next.list()).map((r) => [r.id, r.state])).toEqual([[started.id, "running"]]);
    expect(await collect(next.logs(started.id))).toContain("served /after-the-agent-died");
    await next.stop(started.id);
    expect(await collect(next.logs(started.id, { tailLines: 1 }))).toEqual(["got SIGINT"]);
    expect(alive(started.pid ?? 0)).toBe(false);
  });

  it("reports a replica that died while no agent watched as exited when it adopts", async () => {
    const first = open();
    const replica = await first.start(spec(script("sleep.mjs", "setInterval(() => {}, 1000);\n")));
    await first.close();
    process.kill(replica.pid ?? 0, "SIGKILL");
    await eventually("the replica gone", () => (alive(replica.pid ?? 0) ? undefined : true));

    const second = open();
    const exits: Replica[] = [];
    second.onExit((r) => exits.push(r));

    expect((await second.list()).map((r) => [r.id, r.state, r.exitCode])).toEqual([[replica.id, "exited", null]]);
    expect(exits.map((r) => r.id)).toEqual([replica.id]);
  });

  it("never signals a process that took over a recorded pid", async () => {
    const stranger = spawn("sleep", ["1000"], { detached: true, stdio: "ignore" });
    strays.push(stranger.pid ?? 0);
    const id = "shop.worker.v1.0.0badf00d";
    mkdirSync(join(stateDir, "replicas"), { recursive: true });
    writeFileSync(join(stateDir, "replicas", `${id}.json`), JSON.stringify({
      id, app: "shop", service: "worker", version: "v1", index: 0, state: "running", pid: stranger.pid,
      startTicks: "1", startedAt: "2025-01-01T00:00:00.000Z", stopSignal: "SIGTERM", gracePeriodMs: 0,
    }));

    const runtime = open();
    const listed = await runtime.list();
    await runtime.stop(id);

    expect(listed.map((r) => [r.id, r.state])).toEqual([[id, "exited"]]);
    expect(alive(stranger.pid ?? 0)).toBe(true);
  });

  it("lists what a running replica's record says it runs, also after someone rewrote the record", async () => {
    const runtime = open();
    const source = script("sleep.mjs", "setInterval(() => {}, 1000);\n");
    const replica = await runtime.start(spec(source, { args: ["--fast"], env: { MODE: "one" } }));
    const before = (await runtime.list()).find((r) => r.id === replica.id);
    const file = join(stateDir, "replicas", `${replica.id}.json`);
    const record = JSON.parse(readFileSync(file, "utf8")) as { settings: { env: Record<string, string> } };
    record.settings.env.MODE = "two";
    writeFileSync(file, JSON.stringify(record));

    const after = await eventually("the rewritten settings", async () => {
      const r = (await runtime.list()).find((x) => x.id === replica.id);
      return r?.settings?.env?.MODE === "two" ? r : undefined;
    });

    expect(before?.settings).toEqual({ dir: tmp, command: [process.execPath, "sleep.mjs"], args: ["--fast"], env: { MODE: "one" }, envComplete: true });
    expect(after).toMatchObject({ state: "running", pid: replica.pid });
  });

  it("refuses to start a program or release that does not exist, starting nothing", async () => {
    const runtime = open();

    const noProgram = await runtime.start(spec({ kind: "artifact", dir: tmp, command: ["./no-such-program"] })).catch((e: unknown) => e);
    const noRelease = await runtime.start(spec({ kind: "artifact", dir: join(tmp, "gone"), command: [process.execPath] })).catch((e: unknown) => e);

    expect((noProgram as RuntimeError).code).toBe("START_FAILED");
    expect((noRelease as RuntimeError).code).toBe("START_FAILED");
    expect(await runtime.list()).toEqual([]);
  });

  it.each([
    ["removes the log of a forgotten replica once the retention is over", 0, false],
    ["keeps the log of a forgotten replica during the retention", 3_600_000, true],
  ])("%s", async (_what, logRetentionMs, kept) => {
    const runtime = open({ logRetentionMs });
    const replica = await runtime.start(spec(script("hello.mjs", "console.log('hello');\n")));
    await exited(runtime, replica.id);

    await runtime.forget(replica.id);

    expect(existsSync(join(stateDir, "logs", `${replica.id}.log`))).toBe(kept);
    expect(existsSync(join(stateDir, "replicas", `${replica.id}.json`))).toBe(false);
  });
});
