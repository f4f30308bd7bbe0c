import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry, git, makeRepo } from "./helpers.js";
import { createPodmanSandbox, podmanAvailable } from "./podman-helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * The delivery scenario with the podman runtime: Services with an `image`, run as containers by the
 * agent of `ferry up`, behind the same proxy, health checks, rollouts, pruning and rollback as processes.
 */
type Status = {
  sync?: { status: string; message?: string };
  health?: { status: string; message: string };
  services?: Array<{ name: string; health: string; replicas: Array<{ version: string; health: string }> }>;
  drift?: Array<{ kind: string; replica: string; message: string }>;
};

const sandbox = createPodmanSandbox("ferry-e2e-delivery-podman-");
const tmp = sandbox.dir;
let up: Up | undefined;
let port: number;
let workerPort: number;
const config = makeRepo({ "README.md": "config\n" });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

const serviceYaml = (name: string, version: string, proxyPort: number): string => `apiVersion: ferry/v1alpha1
kind: Service
metadata:
  name: ${name}
spec:
  image: localhost/e2e/web:${version}
  command: [/bin/busybox, httpd, -f, -p, "8080", -h, /www]
  replicas: 2
  ports:
    - port: ${proxyPort}
      containerPort: 8080
  health:
    http:
      path: /
    period: 200ms
  gracePeriod: 2s
`;

function commit(files: Record<string, string | null>, message: string): void {
  for (const [path, text] of Object.entries(files)) {
    if (text === null) git(config.dir, "rm", "-q", path);
    else {
      mkdirSync(join(config.dir, path, ".."), { recursive: true });
      writeFileSync(join(config.dir, path), text);
    }
  }
  git(config.dir, "add", "-A");
  git(config.dir, "commit", "-q", "-m", message);
}

const ferryUp = (): Up => {
  if (!up) throw new Error("ferry up did not start");
  return up;
};
const get = async (p = port): Promise<string> => {
  const res = await fetch(`http://127.0.0.1:${p}/`, { signal: AbortSignal.timeout(5000) });
  return `${res.status} ${await res.text()}`;
};
let lastStatus: Status = {};
const status = async (): Promise<Status> => (lastStatus = (await api<{ status?: Status }>(ferryUp(), "GET", "/api/v1/resources/application/web")).body.status ?? {});
const containers = (service = "web"): string[] => sandbox.podmanSync("ps", "-q", "--no-trunc", "--filter", "label=ferry.app=web", "--filter", `label=ferry.service=${service}`).split("\n").filter(Boolean);
const cli = (...args: string[]): ReturnType<typeof ferry> => ferry(tmp, [...args, "--server", ferryUp().url, "--token", ferryUp().token]);
const tail = (): string => ferryUp().output().slice(-4000);

beforeAll(async () => {
  if (!podmanAvailable) return;
  for (const version of ["1", "2"]) await sandbox.buildImage(`localhost/e2e/web:${version}`, { files: { "/www/index.html": `version ${version}\n` } });
  port = await freePort();
  workerPort = await freePort();
  up = await startFerry("up", { ...sandbox.env, FERRY_PROGRESS_DEADLINE_MS: "20000", FERRY_LOG_LEVEL: "info" });
  commit({ "apps/web.yaml": serviceYaml("web", "1", port) }, "web 1");
  const resources = `apiVersion: ferry/v1alpha1
kind: Repository
metadata: { name: config }
spec: { url: ${config.dir}, pollInterval: 1s }
---
apiVersion: ferry/v1alpha1
kind: Application
metadata: { name: web }
spec:
  source: { repoURL: ${config.dir}, path: apps, targetRevision: main }
  destination: { runtime: podman }
  syncPolicy: { automated: { prune: true, selfHeal: true } }
`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "podman.yaml", text: resources }] })).status).toBe(200);
}, 300_000);

afterAll(async () => {
  if (up) {
    await api(up, "DELETE", "/api/v1/resources/application/web").catch(() => undefined);
    await waitFor(() => containers().length + containers("worker").length === 0, 60_000, () => "containers left").catch(() => undefined);
    await up.stop();
    removeDir(up.dataDir);
  }
  await sandbox.cleanup();
  config.cleanup();
}, 300_000);

describe.skipIf(!podmanAvailable)("GitOps delivery with the podman runtime under ferry up", { timeout: 300_000 }, () => {
  it("runs the image Git names and rolls a new one out with no failed request", async () => {
    await waitFor(async () => (await get().catch(() => "")) === "200 version 1\n", 120_000, () => `version 1 never served: ${JSON.stringify(lastStatus)} ${tail()}`);
    let failures = 0;
    let requests = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        requests += 1;
        if (!(await get().catch((e: unknown) => String(e))).startsWith("200 ")) failures += 1;
      }
    })();
    commit({ "apps/web.yaml": serviceYaml("web", "2", port) }, "web 2");
    await waitFor(async () => (await get().catch(() => "")) === "200 version 2\n", 120_000, () => `version 2 never served ${tail()}`);
    await waitFor(async () => { const s = await status(); return s.health?.status === "Healthy" && s.services?.[0]?.replicas.length === 2; }, 60_000, () => `rollout did not finish: ${JSON.stringify(lastStatus)}`);
    running = false;
    await loop;
    expect(requests).toBeGreaterThan(10);
    expect(failures).toBe(0);
  });

  it("heals a killed container", async () => {
    const before = containers();
    expect(before).toHaveLength(2);
    await sandbox.podman("kill", before[0] ?? "");
    await waitFor(() => { const now = containers(); return now.length === 2 && !now.includes(before[0] ?? ""); }, 60_000, () => `the killed container was not replaced ${tail()}`);
    expect(await get()).toBe("200 version 2\n");
  });

  it("keeps the last good version serving when a commit does not render, and says why", async () => {
    commit({ "apps/web.yaml": `${serviceYaml("web", "1", port)}  replicas: [oops\n` }, "broken yaml");
    const s = await waitFor(async () => { const x = await status(); return x.sync?.message?.includes("does not render") ? x : undefined; }, 60_000, () => `status never said the commit does not render: ${JSON.stringify(lastStatus)}`);
    expect(s.sync?.message, s.sync?.message).toMatch(/web\.yaml:\d+/);
    expect(await get()).toBe("200 version 2\n");
    expect(containers()).toHaveLength(2);
  });

  it("prunes a Service removed from Git", async () => {
    commit({ "apps/web.yaml": serviceYaml("web", "2", port), "apps/worker.yaml": serviceYaml("worker", "1", workerPort) }, "add worker");
    await waitFor(async () => (await get(workerPort).catch(() => "")) === "200 version 1\n", 120_000, () => `worker never served ${tail()}`);
    expect(containers("worker")).toHaveLength(2);
    commit({ "apps/worker.yaml": null }, "remove worker");
    await waitFor(async () => (await get(workerPort).catch(() => "gone")) === "gone" && containers("worker").length === 0 && !(await status()).services?.some((x) => x.name === "worker"), 120_000, () => `worker was not pruned: ${JSON.stringify(lastStatus)}`);
    expect(await get()).toBe("200 version 2\n");
  });

  it("rolls back to the previous version with ferry app rollback, and shows history and diff", async () => {
    await waitFor(async () => (await status()).health?.status === "Healthy", 60_000, () => `not healthy before rollback: ${JSON.stringify(lastStatus)}`);
    const history = (await api<{ items: Array<{ id: number; revision: string; result: string }> }>(ferryUp(), "GET", "/api/v1/applications/web/history")).body.items;
    const first = history[history.length - 1];
    if (!first) throw new Error("no history");
    const r = await cli("app", "rollback", "web", String(first.id));
    expect(r.code, r.out).toBe(0);
    await waitFor(async () => (await get().catch(() => "")) === "200 version 1\n", 120_000, () => `rollback never served version 1 ${tail()}`);
    await waitFor(async () => { const s = await status(); return s.health?.status === "Healthy" && s.services?.[0]?.replicas.length === 2; }, 60_000, () => `rollback did not finish: ${JSON.stringify(lastStatus)}`);
    const hist = await cli("app", "history", "web");
    expect(hist.out).toMatch(/rollback/);
    const diff = await cli("app", "diff", "web");
    expect(diff.code, diff.out).toBe(0);
    expect(diff.out).toMatch(/no changes|in sync/);
    const got = await cli("app", "get", "web");
    expect(got.out).toMatch(/pinned/);
  });

  it("replaces a container that was replaced by hand with another image", async () => {
    const [victim] = containers();
    if (!victim) throw new Error("no container");
    const [inspected] = JSON.parse(await sandbox.podman("container", "inspect", victim)) as Array<{ Name: string; Config: { Labels: Record<string, string> } }>;
    const labels = Object.entries(inspected?.Config.Labels ?? {}).filter(([k]) => k.startsWith("ferry.")).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
    await sandbox.podman("rm", "-f", "-t", "0", victim);
    const impostor = (await sandbox.podman("run", "-d", ...labels, "--entrypoint", "/bin/busybox", "localhost/e2e/web:2", "httpd", "-f", "-p", "8080", "-h", "/www")).trim();
    await waitFor(() => { const now = containers(); return now.length === 2 && !now.includes(impostor) ? now : undefined; }, 60_000, () => `the replaced container was not put back: ${sandbox.podmanSync("ps", "-a", "--format", "{{.ID}} {{.Image}} {{.Status}}")} ${tail()}`);
    expect(await get()).toBe("200 version 1\n");
  });

  it("removes every container with the Application", async () => {
    expect((await api(ferryUp(), "DELETE", "/api/v1/resources/application/web")).status).toBe(200);
    await waitFor(() => containers().length === 0, 120_000, () => `containers kept running after their Application was deleted: ${sandbox.podmanSync("ps", "-a", "--format", "{{.Names}} {{.Status}}")} ${tail()}`);
  });
});
