import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * The delivery scenario with the podman runtime: Services with an `image`, run as containers by the
 * agent of `ferry up`, behind the same proxy, health checks and rollouts as processes.
 */
type Status = {
  sync?: { status: string; message?: string };
  health?: { status: string; message: string };
  services?: Array<{ name: string; health: string; replicas: Array<{ version: string; health: string }> }>;
};

const podman = spawnSync("podman", ["--version"]).status === 0 && spawnSync("runc", ["--version"]).status === 0;
const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-delivery-podman-"));
const env = {
  CONTAINERS_CONF: join(tmp, "containers.conf"),
  CONTAINERS_STORAGE_CONF: join(tmp, "storage.conf"),
  CONTAINERS_REGISTRIES_CONF: join(tmp, "registries.conf"),
  REGISTRY_AUTH_FILE: join(tmp, "auth.json"),
};
writeFileSync(env.CONTAINERS_CONF, ["[containers]", "default_ulimits = []", "[engine]", 'cgroup_manager = "cgroupfs"', 'runtime = "runc"', 'events_logger = "file"', ""].join("\n"));
writeFileSync(env.CONTAINERS_STORAGE_CONF, ["[storage]", 'driver = "vfs"', `runroot = "${join(tmp, "runroot")}"`, `graphroot = "${join(tmp, "root")}"`, ""].join("\n"));
writeFileSync(env.CONTAINERS_REGISTRIES_CONF, "unqualified-search-registries = []\n");
writeFileSync(env.REGISTRY_AUTH_FILE, "{}\n");
const podmanEnv = { ...process.env, ...env };

let up: Up;
let port: number;
const config = makeRepo({ "README.md": "config\n" });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** A tiny image: busybox's httpd serving "version N". */
function buildImage(version: string): void {
  const context = join(tmp, `image-${version}`);
  mkdirSync(join(context, "www"), { recursive: true });
  copyFileSync("/bin/busybox", join(context, "busybox"));
  writeFileSync(join(context, "www", "index.html"), `version ${version}\n`);
  writeFileSync(join(context, "Containerfile"), "FROM scratch\nCOPY busybox /bin/busybox\nCOPY www /www\n");
  const r = spawnSync("podman", ["build", "--quiet", "-t", `localhost/e2e/web:${version}`, context], { env: podmanEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`podman build: ${r.stderr}`);
}

const serviceYaml = (version: string): string => `apiVersion: ferry/v1alpha1
kind: Service
metadata:
  name: web
spec:
  image: localhost/e2e/web:${version}
  command: [/bin/busybox, httpd, -f, -p, "8080", -h, /www]
  replicas: 2
  ports:
    - port: ${port}
      containerPort: 8080
  health:
    http:
      path: /
    period: 200ms
  gracePeriod: 2s
`;

function commit(text: string): void {
  mkdirSync(join(config.dir, "apps"), { recursive: true });
  writeFileSync(join(config.dir, "apps", "web.yaml"), text);
  git(config.dir, "add", "-A");
  git(config.dir, "commit", "-q", "-m", "change");
}

const get = async (): Promise<string> => {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
  return `${res.status} ${await res.text()}`;
};
const status = async (): Promise<Status> => (await api<{ status?: Status }>(up, "GET", "/api/v1/resources/application/web")).body.status ?? {};
const containers = (): string[] => spawnSync("podman", ["ps", "-q", "--filter", "label=ferry.app=web"], { env: podmanEnv, encoding: "utf8" }).stdout.split("\n").filter(Boolean);

beforeAll(async () => {
  if (!podman) return;
  buildImage("1");
  buildImage("2");
  port = await freePort();
  up = await startFerry("up", { ...env, FERRY_PROGRESS_DEADLINE_MS: "20000", FERRY_LOG_LEVEL: "info" });
  commit(serviceYaml("1"));
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
}, 120_000);

afterAll(async () => {
  if (podman) {
    await api(up, "DELETE", "/api/v1/resources/application/web").catch(() => undefined);
    await waitFor(() => containers().length === 0, 30_000, () => "containers left").catch(() => undefined);
    await up.stop();
    removeDir(up.dataDir);
    spawnSync("podman", ["rm", "--all", "--force"], { env: podmanEnv });
    spawnSync("podman", ["rmi", "--all", "--force"], { env: podmanEnv });
  }
  config.cleanup();
  removeDir(tmp);
}, 60_000);

describe.skipIf(!podman)("GitOps delivery with the podman runtime under ferry up", () => {
  it("runs the image Git names, rolls a new one out with no failed request, heals a killed container and removes everything with the Application", async () => {
    await waitFor(async () => (await get().catch(() => "")) === "200 version 1\n", 60_000, () => "version 1 never served");
    let failures = 0;
    let requests = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        requests += 1;
        if (!(await get().catch((e: unknown) => String(e))).startsWith("200 ")) failures += 1;
      }
    })();
    commit(serviceYaml("2"));
    await waitFor(async () => (await get().catch(() => "")) === "200 version 2\n", 60_000, () => "version 2 never served");
    await waitFor(async () => { const s = await status(); return s.health?.status === "Healthy" && s.services?.[0]?.replicas.length === 2; }, 30_000, () => "rollout did not finish");
    running = false;
    await loop;
    expect(requests).toBeGreaterThan(10);
    expect(failures).toBe(0);

    const before = containers();
    expect(before).toHaveLength(2);
    spawnSync("podman", ["kill", before[0] ?? ""], { env: podmanEnv });
    await waitFor(() => { const now = containers(); return now.length === 2 && !now.includes(before[0] ?? ""); }, 30_000, () => "the killed container was not replaced");
    expect(await get()).toBe("200 version 2\n");

    expect((await api(up, "DELETE", "/api/v1/resources/application/web")).status).toBe(200);
    await waitFor(() => containers().length === 0, 60_000, () => `containers kept running after their Application was deleted: ${JSON.stringify(spawnSync("podman", ["ps", "-a", "--format", "{{.Names}} {{.Status}}"], { env: podmanEnv, encoding: "utf8" }).stdout)} ${up.output().slice(-2000)}`);
  }, 300_000);
});
