import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alive, ferry, git, makeRepo } from "./helpers.js";
import { api, killProcessesUnder, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * GitOps delivery end to end under `ferry up`, with the process runtime: a tiny HTTP app published as
 * artifacts, a config repository in a temp dir, and an Application that the embedded agent keeps in sync.
 */
type Status = {
  sync?: { status: string; revision: string | null; appliedRevision: string | null; selfHeal?: boolean; message?: string };
  health?: { status: string; message: string };
  services?: Array<{ name: string; health: string; replicas: Array<{ pid?: number; version: string; health: string }> }>;
  reportedAt?: string;
};

const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-delivery-"));
let up: Up;
let registryHost: string;
let webPort: number;
let serverPort: number;
const upEnv = { FERRY_PROGRESS_DEADLINE_MS: "10000", FERRY_LOG_LEVEL: "info" };
const config = makeRepo({ "README.md": "config\n" });

const APP = `const http = require("node:http");
const fs = require("node:fs");
const version = fs.readFileSync(__dirname + "/VERSION", "utf8").trim();
const healthy = !version.startsWith("broken");
http.createServer((req, res) => {
  if (req.url === "/healthz") { res.statusCode = healthy ? 200 : 500; res.end(healthy ? "ok" : "no"); return; }
  res.end("version " + version + "\\n");
}).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
if (process.env.PORT_ADMIN) {
  const named = process.env.PORT_1 === process.env.PORT_ADMIN ? "as PORT_1" : "not as PORT_1";
  http.createServer((req, res) => res.end("admin " + version + " " + named + "\\n")).listen(Number(process.env.PORT_ADMIN), "127.0.0.1");
}
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

async function publish(version: string): Promise<void> {
  const dir = join(tmp, `app-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "server.js"), APP);
  writeFileSync(join(dir, "VERSION"), `${version}\n`);
  const r = await ferry(tmp, ["artifact", "push", `team/web:${version}`, "server.js", "VERSION", "-C", dir, "--server", up.url, "--token", up.token]);
  expect(r.code, r.out).toBe(0);
}

const service = (name: string, version: string, port: number, extra = ""): string => `apiVersion: ferry/v1alpha1
kind: Service
metadata:
  name: ${name}
spec:
  artifact: ${registryHost}/team/web:${version}
  command: [node, server.js]
  replicas: 2
  ports:
    - port: ${port}
  health:
    http:
      path: /healthz
    period: 200ms
${extra}`;

function commit(files: Record<string, string | null>, message: string): string {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) git(config.dir, "rm", "-q", path);
    else {
      mkdirSync(join(config.dir, path, ".."), { recursive: true });
      writeFileSync(join(config.dir, path), text);
    }
  }
  git(config.dir, "add", "-A");
  git(config.dir, "commit", "-q", "-m", message);
  return git(config.dir, "rev-parse", "HEAD").trim();
}

async function get(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
  return `${res.status} ${await res.text()}`;
}
let lastStatus: Status = {};
const status = async (): Promise<Status> => (lastStatus = (await api<{ status?: Status }>(up, "GET", "/api/v1/resources/application/web")).body.status ?? {});

beforeAll(async () => {
  serverPort = await freePort();
  up = await startFerry("up", upEnv, undefined, serverPort);
  registryHost = new URL(up.url).host;
  webPort = await freePort();
  await publish("1.0.0");
  await publish("2.0.0");
  await publish("broken-3");
  commit({ "apps/web/web.yaml": service("web", "1.0.0", webPort) }, "web 1.0.0");
  const resources = `apiVersion: ferry/v1alpha1
kind: Repository
metadata:
  name: config
spec:
  url: ${config.dir}
  pollInterval: 1s
---
apiVersion: ferry/v1alpha1
kind: Application
metadata:
  name: web
spec:
  source:
    repoURL: ${config.dir}
    path: apps/web
    targetRevision: main
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "delivery.yaml", text: resources }] })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  // The agent leaves replicas running when it stops, by design; deleting the Application stops them.
  await api(up, "DELETE", "/api/v1/resources/application/web");
  await waitFor(async () => (await get(webPort).catch(() => "gone")) === "gone", 20_000, () => "web kept running").catch(() => undefined);
  await up.stop();
  killProcessesUnder(up.dataDir);
  removeDir(up.dataDir);
  config.cleanup();
  removeDir(tmp);
});

describe("GitOps delivery with the process runtime under ferry up", { timeout: 180_000 }, () => {
  it("deploys the version Git names and reports it Synced and Healthy", async () => {
    await waitFor(async () => (await get(webPort).catch(() => "")) === "200 version 1.0.0\n", 30_000, () => `web 1.0.0 never served ${up.output().slice(-6000)}`);
    const s = await waitFor(async () => { const x = await status(); return x.health?.status === "Healthy" && x.sync?.status === "Synced" ? x : undefined; }, 10_000, () => "never Healthy and Synced");
    expect(s.services?.[0]?.replicas).toHaveLength(2);
  });

  it("rolls a commit out to the new version with no failed request", async () => {
    let failures = 0;
    let requests = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        requests += 1;
        const r = await get(webPort).catch((e: unknown) => String(e));
        if (!r.startsWith("200 ")) failures += 1;
      }
    })();
    commit({ "apps/web/web.yaml": service("web", "2.0.0", webPort) }, "web 2.0.0");
    await waitFor(async () => (await get(webPort).catch(() => "")) === "200 version 2.0.0\n", 30_000, () => "web 2.0.0 never served");
    await waitFor(async () => {
      const x = await status();
      const replicas = x.services?.[0]?.replicas ?? [];
      return replicas.length === 2 && replicas.every((r) => r.version === replicas[0]?.version) && x.health?.status === "Healthy";
    }, 10_000, () => "rollout did not finish");
    running = false;
    await loop;
    expect(requests).toBeGreaterThan(10);
    expect(failures).toBe(0);
    const history = (await api<{ items: Array<{ result: string; trigger: string }> }>(up, "GET", "/api/v1/applications/web/history")).body.items;
    expect(history[0]).toMatchObject({ result: "Succeeded", trigger: "automated" });
  });

  it("heals a replica killed with kill -9", async () => {
    const before = (await status()).services?.[0]?.replicas.map((r) => r.pid) ?? [];
    expect(before).toHaveLength(2);
    process.kill(before[0] ?? 0, "SIGKILL");
    await waitFor(async () => {
      const pids = (await status()).services?.[0]?.replicas.filter((r) => r.health === "Healthy").map((r) => r.pid) ?? [];
      return pids.length === 2 && !pids.includes(before[0]);
    }, 10_000, () => "the killed replica was not replaced");
    expect(await get(webPort)).toBe("200 version 2.0.0\n");
  });

  it("keeps the last good version serving when a commit does not render, and says why", async () => {
    commit({ "apps/web/web.yaml": `${service("web", "1.0.0", webPort)}  replicas: [oops\n` }, "broken yaml");
    const s = await waitFor(async () => { const x = await status(); return x.sync?.message?.includes("does not render") ? x : undefined; }, 15_000, () => "status never said the commit does not render");
    expect(s.sync?.message, s.sync?.message).toMatch(/web\.yaml:\d+/);
    expect(await get(webPort)).toBe("200 version 2.0.0\n");
  });

  it("stops a new version that never becomes healthy; the old one keeps serving", async () => {
    commit({ "apps/web/web.yaml": service("web", "broken-3", webPort) }, "web broken-3");
    const s = await waitFor(async () => { const x = await status(); return x.health?.status === "Degraded" ? x : undefined; }, 30_000, () => "never Degraded");
    expect(s.health?.message).toMatch(/did not become healthy/);
    expect(await get(webPort)).toBe("200 version 2.0.0\n");
  });

  it("prunes a Service removed from Git", async () => {
    const workerPort = await freePort();
    commit({ "apps/web/web.yaml": service("web", "2.0.0", webPort), "apps/web/worker.yaml": service("worker", "1.0.0", workerPort) }, "add worker");
    await waitFor(async () => (await get(workerPort).catch(() => "")) === "200 version 1.0.0\n", 30_000, () => "worker never served");
    commit({ "apps/web/worker.yaml": null }, "remove worker");
    await waitFor(async () => (await get(workerPort).catch(() => "gone")) === "gone" && !(await status()).services?.some((x) => x.name === "worker"), 30_000, () => `worker was not pruned: ${JSON.stringify(lastStatus)}`);
    expect(await get(webPort)).toBe("200 version 2.0.0\n");
  });

  it("serves every port of a Service through a proxy of its own", async () => {
    const [http, admin] = [await freePort(), await freePort()];
    commit({ "apps/web/multi.yaml": `apiVersion: ferry/v1alpha1
kind: Service
metadata:
  name: multi
spec:
  artifact: ${registryHost}/team/web:1.0.0
  command: [node, server.js]
  ports:
    - { name: http, port: ${http} }
    - { name: admin, port: ${admin} }
  health:
    http: { path: /healthz, port: http }
    period: 200ms
` }, "add multi");
    await waitFor(async () => (await get(http).catch(() => "")) === "200 version 1.0.0\n", 30_000, () => `multi never served on its first port ${up.output().slice(-3000)}`);
    expect(await waitFor(async () => { const r = await get(admin).catch(() => ""); return r === "" ? undefined : r; }, 10_000, () => "multi never served on its second port")).toBe("200 admin 1.0.0 as PORT_1\n");
    commit({ "apps/web/multi.yaml": null }, "remove multi");
    await waitFor(async () => (await get(admin).catch(() => "gone")) === "gone" && (await get(http).catch(() => "gone")) === "gone", 30_000, () => "multi was not pruned");
  });

  const recordsDir = (): string => join(up.dataDir, "agent", "runtime", "process", "replicas");
  type ReplicaRecord = { id: string; app: string; service: string; version: string; index: number; state: string; pid: number; settings?: { env?: Record<string, string> } };
  const records = (): ReplicaRecord[] => readdirSync(recordsDir()).filter((n) => n.endsWith(".json"))
    .map((n) => JSON.parse(readFileSync(join(recordsDir(), n), "utf8")) as ReplicaRecord)
    .filter((r) => r.app === "web" && r.service === "web" && r.state === "running");

  /** A process started by hand with a record that makes it look like a replica of web: a stray. */
  function startStray(): { pid: number; id: string } {
    const model = records()[0];
    if (!model) throw new Error("no running replica of web");
    const child = spawn("sleep", ["1000"], { detached: true, stdio: "ignore" });
    child.unref();
    const pid = child.pid ?? 0;
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const startTicks = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    const id = `web.web.${model.version}.0.${(0x10000000 + Math.floor(Math.random() * 0xefffffff)).toString(16)}`;
    writeFileSync(join(recordsDir(), `${id}.json`), JSON.stringify({ ...model, id, pid, startTicks, startedAt: new Date().toISOString() }));
    return { pid, id };
  }

  /** Rewrites the record of a running replica as if it had been started with another setting. */
  function changeSetting(): ReplicaRecord {
    const victim = records()[0];
    if (!victim) throw new Error("no running replica of web");
    const file = join(recordsDir(), `${victim.id}.json`);
    const record = JSON.parse(readFileSync(file, "utf8")) as ReplicaRecord;
    writeFileSync(file, JSON.stringify({ ...record, settings: { ...record.settings, env: { ...record.settings?.env, LOG_LEVEL: "debug" } } }));
    return victim;
  }

  it("self-heals drift: stops a stray replica and replaces one whose settings changed", async () => {
    await waitFor(async () => (await status()).health?.status === "Healthy", 20_000, () => "not healthy before the drift");
    const stray = startStray();
    await waitFor(() => !alive(stray.pid), 10_000, () => `the stray replica kept running ${up.output().slice(-3000)}`);

    const victim = changeSetting();
    await waitFor(async () => {
      const replicas = (await status()).services?.find((x) => x.name === "web")?.replicas ?? [];
      return replicas.length === 2 && replicas.every((r) => r.health === "Healthy") && !replicas.some((r) => r.pid === victim.pid);
    }, 20_000, () => `the changed replica was not replaced: ${JSON.stringify(lastStatus)} ${up.output().slice(-3000)}`);
    expect(alive(victim.pid)).toBe(false);
    expect(await get(webPort)).toBe("200 version 2.0.0\n");
  });

  it("without selfHeal, reports drift in ferry app get and diff and leaves it until a sync", async () => {
    const apply = async (selfHeal: boolean): Promise<void> => {
      const app = `apiVersion: ferry/v1alpha1
kind: Application
metadata:
  name: web
spec:
  source:
    repoURL: ${config.dir}
    path: apps/web
    targetRevision: main
  syncPolicy:
    automated:
      prune: true
      selfHeal: ${String(selfHeal)}
`;
      expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "app.yaml", text: app }] })).status).toBe(200);
    };
    await apply(false);
    await waitFor(async () => { const x = await status(); return x.sync?.selfHeal === false && x.health?.status === "Healthy"; }, 20_000, () => `the agent never took the new policy: ${JSON.stringify(lastStatus)}`);
    const stray = startStray();
    const s = await waitFor(async () => { const x = await status(); return x.sync?.status === "OutOfSync" && x.sync.message?.includes("drift") ? x : undefined; }, 20_000, () => `drift was not reported: ${JSON.stringify(lastStatus)}`);
    expect(s.sync?.message).toContain(stray.id);
    expect(alive(stray.pid)).toBe(true);
    const got = await ferry(tmp, ["app", "get", "web", "--server", up.url, "--token", up.token]);
    expect(got.out).toMatch(new RegExp(`stray replica ${stray.id.replace(/\./g, "\\.")}`));
    const diff = await ferry(tmp, ["app", "diff", "web", "--server", up.url, "--token", up.token]);
    expect(diff.out).toContain(stray.id);

    const sync = await ferry(tmp, ["app", "sync", "web", "--server", up.url, "--token", up.token]);
    expect(sync.code, sync.out).toBe(0);
    await waitFor(() => !alive(stray.pid), 20_000, () => "the sync did not stop the stray replica");
    await waitFor(async () => (await status()).sync?.status === "Synced", 20_000, () => `not Synced after the sync: ${JSON.stringify(lastStatus)}`);
    await apply(true);
    await waitFor(async () => (await status()).sync?.selfHeal === true, 20_000, () => "the agent never took selfHeal back");
  });

  it("rolls back to the previous version with ferry app rollback, and shows history and diff", async () => {
    await waitFor(async () => (await status()).health?.status === "Healthy", 20_000, () => "not healthy before rollback");
    const history = (await api<{ items: Array<{ id: number; revision: string; result: string }> }>(up, "GET", "/api/v1/applications/web/history")).body.items;
    const first = history[history.length - 1];
    if (!first) throw new Error("no history");
    const r = await ferry(tmp, ["app", "rollback", "web", String(first.id), "--server", up.url, "--token", up.token]);
    expect(r.code, r.out).toBe(0);
    await waitFor(async () => (await get(webPort).catch(() => "")) === "200 version 1.0.0\n", 30_000, () => "rollback never served 1.0.0");
    const hist = await ferry(tmp, ["app", "history", "web", "--server", up.url, "--token", up.token]);
    expect(hist.out).toMatch(/rollback/);
    const diff = await ferry(tmp, ["app", "diff", "web", "--server", up.url, "--token", up.token]);
    expect(diff.code, diff.out).toBe(0);
    const got = await ferry(tmp, ["app", "get", "web", "--server", up.url, "--token", up.token]);
    expect(got.out).toMatch(/pinned/);
  });

  it("survives kill -9 of ferry up: the replicas keep running and the restarted agent adopts them", async () => {
    await waitFor(async () => (await status()).health?.status === "Healthy", 20_000, () => "not healthy before the crash");
    const pids = (await status()).services?.flatMap((x) => x.replicas.map((r) => r.pid ?? 0)).sort() ?? [];
    expect(pids.length).toBeGreaterThan(0);
    const exited = new Promise((r) => up.proc.once("exit", r));
    up.proc.kill("SIGKILL");
    await exited;
    expect(pids.every((pid) => alive(pid))).toBe(true);
    const restartedAt = new Date().toISOString();
    up = await startFerry("up", upEnv, up.dataDir, serverPort);
    await waitFor(async () => (await get(webPort).catch(() => "")) === "200 version 1.0.0\n", 60_000, () => `not serving after the restart: ${up.output().slice(-3000)}`);
    const after = await waitFor(async () => { const x = await status(); return (x.reportedAt ?? "") > restartedAt && x.health?.status === "Healthy" && x.sync?.status === "Synced" ? x : undefined; }, 60_000, () => `not Healthy and Synced after the restart: ${JSON.stringify(lastStatus)}`);
    expect(after.services?.flatMap((x) => x.replicas.map((r) => r.pid ?? 0)).sort()).toEqual(pids);
  });

  it("stops everything an Application runs when the Application is deleted", async () => {
    const pids = (await status()).services?.flatMap((x) => x.replicas.map((r) => r.pid ?? 0)) ?? [];
    expect(pids.length).toBeGreaterThan(0);
    expect((await api(up, "DELETE", "/api/v1/resources/application/web")).status).toBe(200);
    await waitFor(async () => (await get(webPort).catch(() => "gone")) === "gone", 20_000, () => "web kept serving after its Application was deleted");
    await waitFor(() => pids.every((pid) => !alive(pid)), 20_000, () => "replicas kept running after their Application was deleted");
  });
});
