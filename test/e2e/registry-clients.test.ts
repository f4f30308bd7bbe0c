import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBasicAuthorizer, registerRegistryRoutes } from "../../src/registry/index.js";
import type { PushEvent } from "../../src/registry/index.js";
import { createToken, openStore, verifyToken } from "../../src/store/index.js";
import type { Store } from "../../src/store/index.js";

/**
 * The registry against real clients: podman builds a tiny image FROM scratch (busybox-static), pushes it,
 * pulls it back and runs it; skopeo copies it between repositories and into an OCI layout, and inspects it.
 * Needs `apt-get install -y podman skopeo runc busybox-static`.
 */

type Run = { code: number; stdout: string; stderr: string };

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { env, maxBuffer: 16 << 20, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}

async function ok(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await run(cmd, args, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

const countBlobFiles = (dir: string): number =>
  readdirSync(join(dir, "blobs", "sha256")).reduce((n, prefix) => n + readdirSync(join(dir, "blobs", "sha256", prefix)).length, 0);

describe("registry with podman and skopeo", () => {
  let tmp: string;
  let registryDir: string;
  let store: Store;
  let app: FastifyInstance;
  let host: string;
  let env: NodeJS.ProcessEnv;
  let pusher: string;
  let viewer: string;
  const requests: string[] = [];
  const pushes: PushEvent[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "ferry-registry-e2e-"));
    registryDir = join(tmp, "registry");
    // podman 4.3 on these machines: no default ulimits, cgroupfs, runc; storage, auth and registries
    // configuration in the temp dir so the machine's own are never touched.
    writeFileSync(join(tmp, "containers.conf"), [
      "[containers]", "default_ulimits = []", "",
      "[engine]", 'cgroup_manager = "cgroupfs"', 'runtime = "runc"', 'events_logger = "file"', `image_copy_tmp_dir = "${join(tmp, "copy-tmp")}"`, "",
    ].join("\n"));
    writeFileSync(join(tmp, "storage.conf"), ["[storage]", 'driver = "vfs"', `runroot = "${join(tmp, "runroot")}"`, `graphroot = "${join(tmp, "root")}"`, ""].join("\n"));
    writeFileSync(join(tmp, "registries.conf"), 'unqualified-search-registries = []\n');
    mkdirSync(join(tmp, "copy-tmp"));
    writeFileSync(join(tmp, "auth.json"), "{}\n");
    env = {
      ...process.env,
      CONTAINERS_CONF: join(tmp, "containers.conf"),
      CONTAINERS_STORAGE_CONF: join(tmp, "storage.conf"),
      CONTAINERS_REGISTRIES_CONF: join(tmp, "registries.conf"),
      REGISTRY_AUTH_FILE: join(tmp, "auth.json"),
      TMPDIR: join(tmp, "copy-tmp"),
    };

    store = openStore(join(tmp, "data"));
    pusher = createToken(store, { name: "ci", role: "operator" }).token;
    viewer = createToken(store, { name: "reader", role: "viewer" }).token;
    app = Fastify({ logger: false });
    app.addHook("onRequest", (req, _reply, done) => {
      requests.push(`${req.method} ${req.url}`);
      done();
    });
    registerRegistryRoutes(app, {
      dir: registryDir,
      authorize: createBasicAuthorizer({ verify: (token) => verifyToken(store, token) }),
      onPush: (e) => pushes.push(e),
    });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    host = new URL(url).host;

    const context = join(tmp, "context");
    mkdirSync(context);
    copyFileSync("/bin/busybox", join(context, "busybox"));
    writeFileSync(join(context, "Containerfile"), 'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox","true"]\n');
    await ok("podman", ["build", "--quiet", "-t", "localhost/ferry-e2e/tiny:1", context], env);
  }, 120_000);

  afterAll(async () => {
    await run("podman", ["rmi", "--all", "--force"], env);
    await app.close();
    await store.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("podman push, podman pull and run, skopeo copy and inspect all agree on the digest", async () => {
    const image = `${host}/apps/tiny:1`;

    // podman push with a token as the password of Basic credentials.
    const digestFile = join(tmp, "pushed.digest");
    requests.length = 0;
    await ok("podman", ["push", "--tls-verify=false", "--creds", `ferry:${pusher}`, "--digestfile", digestFile, "localhost/ferry-e2e/tiny:1", `docker://${image}`], env);
    const pushed = readFileSync(digestFile, "utf8").trim();
    expect(requests).toContain("PUT /v2/apps/tiny/manifests/1");
    expect(pushed).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(pushes).toContainEqual(expect.objectContaining({ repository: "apps/tiny", reference: "1", digest: pushed }));
    const blobsAfterPush = countBlobFiles(registryDir);

    // A viewer token may not push.
    const denied = await run("podman", ["push", "--tls-verify=false", "--creds", `ferry:${viewer}`, "localhost/ferry-e2e/tiny:1", `docker://${host}/apps/other:1`], env);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/denied: these credentials may not push apps\/other/);

    // podman pull into an empty local store, then run what was pulled.
    await ok("podman", ["rmi", "--all", "--force"], env);
    await ok("podman", ["pull", "--quiet", "--tls-verify=false", "--creds", `ferry:${viewer}`, image], env);
    const pulled = (await ok("podman", ["image", "inspect", "--format", "{{.Digest}}", image], env)).trim();
    expect(pulled).toBe(pushed);
    const ran = await run("podman", ["run", "--rm", "--network", "none", image], env);
    expect(ran.code, `podman run of the pulled image: ${ran.stderr}`).toBe(0);

    // skopeo copy to a second repository of the same registry: the blobs are mounted, not stored again.
    requests.length = 0;
    await ok("skopeo", ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--src-creds", `ferry:${viewer}`, "--dest-creds", `ferry:${pusher}`, `docker://${image}`, `docker://${host}/mirror/tiny:copied`], env);
    const mounts = requests.filter((r) => r.startsWith("POST /v2/mirror/tiny/blobs/uploads/?") && r.includes("mount=sha256") && r.includes("from=apps%2Ftiny"));
    expect(mounts.length).toBeGreaterThan(0);
    expect(countBlobFiles(registryDir)).toBe(blobsAfterPush);

    // skopeo copy to a local OCI layout keeps the manifest byte for byte.
    const layout = join(tmp, "layout");
    await ok("skopeo", ["copy", "--src-tls-verify=false", "--src-creds", `ferry:${viewer}`, `docker://${host}/mirror/tiny:copied`, `oci:${layout}:tiny`], env);
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
    expect(index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === "tiny")?.digest).toBe(pushed);

    // skopeo inspect (manifest, config and the tag list) reports the same digest for both repositories.
    for (const ref of [image, `${host}/mirror/tiny:copied`]) {
      const info = JSON.parse(await ok("skopeo", ["inspect", "--tls-verify=false", "--creds", `ferry:${viewer}`, `docker://${ref}`], env)) as { Digest: string; RepoTags: string[]; Os: string };
      expect(info.Digest).toBe(pushed);
      expect(info.Os).toBe("linux");
      expect(info.RepoTags.length).toBe(1);
    }

    // Without credentials the registry challenges the client.
    const anonymous = await run("skopeo", ["inspect", "--tls-verify=false", "--no-creds", `docker://${image}`], env);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/unauthorized: authentication required/);
  }, 240_000);
});
