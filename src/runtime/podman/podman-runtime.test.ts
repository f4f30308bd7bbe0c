import { execFile, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { collect, eventually, runtimeContractSuite } from "../contract.testing.js";
import type { RuntimeError } from "../runtime-error.js";
import type { ReplicaSpecInput } from "../schema.js";
import type { Runtime } from "../types.js";
import { createPodmanRuntime } from "./podman-runtime.js";

/**
 * The contract against real podman, with a tiny busybox image built FROM scratch in a temporary storage
 * (there is no network). Needs `apt-get install -y podman runc busybox-static`; skipped without podman.
 */
const IMAGE = "localhost/ferry-runtime-test/busybox:1";
const available = spawnSync("podman", ["--version"]).status === 0 && spawnSync("test", ["-x", "/bin/busybox"]).status === 0;

/** The contract's HTTP server in busybox sh: httpd in the background, the signals handled by the shell (PID 1). */
const SERVER = [
  'mkdir -p /www && echo "hello $GREETING" > /www/index.html',
  'echo "listening on $PORT"',
  'if [ -n "$PORT_ADMIN" ]; then mkdir -p /admin; if [ "$PORT_1" = "$PORT_ADMIN" ]; then echo "admin $GREETING"; else echo "PORT_1 is $PORT_1"; fi > /admin/index.html; httpd -p $PORT_ADMIN -h /admin; fi',
  "httpd -f -p $PORT -h /www & pid=$!",
  'trap "echo got SIGINT; kill $pid; exit 0" INT',
  'trap "echo ignoring SIGTERM" TERM',
  "while kill -0 $pid 2>/dev/null; do wait $pid; done",
].join("\n");

let tmp: string;
let env: Record<string, string>;

function podman(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("podman", args, { env: { ...process.env, ...env }, maxBuffer: 16 << 20, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`podman ${args.join(" ")}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

beforeAll(async () => {
  if (!available) return;
  tmp = mkdtempSync(join(tmpdir(), "ferry-podman-runtime-"));
  // podman 4.3 here: no default ulimits, cgroupfs, runc; storage, registries and networks in the temp dir.
  writeFileSync(join(tmp, "containers.conf"), [
    "[containers]", "default_ulimits = []", "",
    "[engine]", 'cgroup_manager = "cgroupfs"', 'runtime = "runc"', 'events_logger = "file"', "",
    "[network]", `network_config_dir = "${join(tmp, "networks")}"`, "",
  ].join("\n"));
  writeFileSync(join(tmp, "storage.conf"), ["[storage]", 'driver = "vfs"', `runroot = "${join(tmp, "runroot")}"`, `graphroot = "${join(tmp, "root")}"`, ""].join("\n"));
  writeFileSync(join(tmp, "registries.conf"), "unqualified-search-registries = []\n");
  mkdirSync(join(tmp, "t"));
  env = {
    CONTAINERS_CONF: join(tmp, "containers.conf"),
    CONTAINERS_STORAGE_CONF: join(tmp, "storage.conf"),
    CONTAINERS_REGISTRIES_CONF: join(tmp, "registries.conf"),
    TMPDIR: join(tmp, "t"),
  };
  const context = join(tmp, "context");
  mkdirSync(context);
  copyFileSync("/bin/busybox", join(context, "busybox"));
  writeFileSync(join(context, "Containerfile"), 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nCMD ["/bin/sh"]\n');
  await podman("build", "--quiet", "-t", IMAGE, context);
}, 120_000);

afterAll(async () => {
  if (!available) return;
  await podman("rm", "-a", "-f", "-t", "0").catch(() => "");
  await podman("rmi", "--all", "--force").catch(() => "");
  rmSync(tmp, { recursive: true, force: true });
}, 120_000);

const open = (stateDir: string): Runtime => createPodmanRuntime({ stateDir, containersConf: env.CONTAINERS_CONF ?? "", env, pollIntervalMs: 200 });

runtimeContractSuite(
  "podman",
  open,
  () => ({
    server: () => ({ source: { kind: "image", image: IMAGE, command: ["/bin/sh", "-c", SERVER] }, containerPort: 8080, adminContainerPort: 8081 }),
    killExternally: async (replica) => {
      await podman("kill", replica.containerId ?? "");
    },
  }),
  { skip: !available },
);

describe.skipIf(!available)("podman runtime", () => {
  const dirs: string[] = [];
  const runtimes: Runtime[] = [];
  function fresh(): { runtime: Runtime; stateDir: string } {
    const stateDir = mkdtempSync(join(tmpdir(), "ferry-podman-state-"));
    dirs.push(stateDir);
    const runtime = open(stateDir);
    runtimes.push(runtime);
    return { runtime, stateDir };
  }
  const spec = (script: string, more: Partial<ReplicaSpecInput> = {}): ReplicaSpecInput =>
    ({ app: "shop", service: "web", version: "v9", index: 0, source: { kind: "image", image: IMAGE, command: ["/bin/sh", "-c", script] }, gracePeriodMs: 0, ...more });

  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) {
      for (const r of await runtime.list()) {
        await runtime.stop(r.id);
        await runtime.forget(r.id);
      }
      await runtime.close();
    }
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the environment through a file it removes, values with spaces, quotes and newlines intact", async () => {
    const { runtime, stateDir } = fresh();
    const secret = "s3cret with spaces, 'quotes' and $dollars";

    const replica = await runtime.start(spec('echo "[$SECRET]"; echo "$MULTI"; echo "port $PORT"; sleep 1000', {
      env: { SECRET: secret, MULTI: "line one\nline two" }, port: 18_000 + Math.floor(Math.random() * 1000), containerPort: 9090,
    }));
    const lines = await eventually("the output", async () => {
      const all = await collect(runtime.logs(replica.id));
      return all.length >= 4 ? all : undefined;
    });

    expect(lines).toEqual([`[${secret}]`, "line one", "line two", "port 9090"]);
    expect(readdirSync(join(stateDir, "tmp"))).toEqual([]);
  });

  it("names and labels the container after the replica", async () => {
    const { runtime } = fresh();

    const replica = await runtime.start(spec("sleep 1000", { index: 2, port: 18_000 + Math.floor(Math.random() * 1000) }));
    const [inspected] = JSON.parse(await podman("container", "inspect", replica.containerId ?? "")) as Array<{ Name: string; Config: { Labels: Record<string, string> } }>;

    expect(inspected?.Name).toMatch(/^ferry-shop-web-2-[0-9a-f]+$/);
    expect(inspected?.Config.Labels).toMatchObject({
      "ferry.replica": replica.id, "ferry.app": "shop", "ferry.service": "web", "ferry.version": "v9", "ferry.index": "2", "ferry.port": String(replica.port),
    });
  });

  it("reports the exit code of a replica that ends by itself", async () => {
    const { runtime } = fresh();
    const exits: string[] = [];
    runtime.onExit((r) => exits.push(`${r.id} ${r.exitCode}`));

    const replica = await runtime.start(spec("echo cannot connect >&2; exit 3"));

    expect(await eventually("the exit", () => exits[0])).toBe(`${replica.id} 3`);
    expect(await collect(runtime.logs(replica.id))).toEqual(["cannot connect"]);
  });

  it("sees only the containers of its own state directory", async () => {
    const a = fresh();
    const b = fresh();

    const replica = await a.runtime.start(spec("sleep 1000"));

    expect((await a.runtime.list()).map((r) => r.id)).toEqual([replica.id]);
    expect(await b.runtime.list()).toEqual([]);
  });

  it("fails to start an image that does not exist, leaving no container behind", async () => {
    const { runtime } = fresh();

    const error = await runtime.start({ ...spec("true"), source: { kind: "image", image: "localhost/ferry-runtime-test/missing:1" } }).catch((e: unknown) => e);

    expect((error as RuntimeError).code).toBe("START_FAILED");
    expect(await runtime.list()).toEqual([]);
  });
});
