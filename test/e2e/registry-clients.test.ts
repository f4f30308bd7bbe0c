import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBasicAuthorizer, registerRegistryRoutes } from "../../src/registry/index.js";
import type { PushEvent } from "../../src/registry/index.js";
import { createToken, openStore, verifyToken } from "../../src/store/index.js";
import type { Store } from "../../src/store/index.js";
import { createPodmanSandbox } from "./podman-helpers.js";
import type { CommandResult, PodmanSandbox } from "./podman-helpers.js";

/**
 * The registry against real clients: podman builds a tiny image FROM scratch (busybox-static), pushes it,
 * pulls it back and runs it; skopeo copies it between repositories and into an OCI layout, and inspects it.
 * Needs `apt-get install -y podman skopeo runc busybox-static`.
 */

let sandbox: PodmanSandbox;
const run = (cmd: string, args: string[]): Promise<CommandResult> => sandbox.run(cmd, args);

async function ok(cmd: string, args: string[]): Promise<string> {
  const r = await run(cmd, args);
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
  let pusher: string;
  let viewer: string;
  const requests: string[] = [];
  const pushes: PushEvent[] = [];

  beforeAll(async () => {
    sandbox = createPodmanSandbox("ferry-registry-e2e-");
    tmp = sandbox.dir;
    registryDir = join(tmp, "registry");

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

    await sandbox.buildImage("localhost/ferry-e2e/tiny:1", { cmd: ["/bin/busybox", "true"] });
  }, 120_000);

  afterAll(async () => {
    await app.close();
    await store.close();
    await sandbox.cleanup();
  }, 120_000);

  it("podman push, podman pull and run, skopeo copy and inspect all agree on the digest", async () => {
    const image = `${host}/apps/tiny:1`;

    // podman push with a token as the password of Basic credentials.
    const digestFile = join(tmp, "pushed.digest");
    requests.length = 0;
    await ok("podman", ["push", "--tls-verify=false", "--creds", `ferry:${pusher}`, "--digestfile", digestFile, "localhost/ferry-e2e/tiny:1", `docker://${image}`]);
    const pushed = readFileSync(digestFile, "utf8").trim();
    expect(requests).toContain("PUT /v2/apps/tiny/manifests/1");
    expect(pushed).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(pushes).toContainEqual(expect.objectContaining({ repository: "apps/tiny", reference: "1", digest: pushed }));
    const blobsAfterPush = countBlobFiles(registryDir);

    // A viewer token may not push.
    const denied = await run("podman", ["push", "--tls-verify=false", "--creds", `ferry:${viewer}`, "localhost/ferry-e2e/tiny:1", `docker://${host}/apps/other:1`]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/denied: these credentials may not push apps\/other/);

    // podman pull into an empty local store, then run what was pulled.
    await ok("podman", ["rmi", "--all", "--force"]);
    await ok("podman", ["pull", "--quiet", "--tls-verify=false", "--creds", `ferry:${viewer}`, image]);
    const pulled = (await ok("podman", ["image", "inspect", "--format", "{{.Digest}}", image])).trim();
    expect(pulled).toBe(pushed);
    const ran = await run("podman", ["run", "--rm", "--network", "none", image]);
    expect(ran.code, `podman run of the pulled image: ${ran.stderr}`).toBe(0);

    // skopeo copy to a second repository of the same registry: the blobs are mounted, not stored again.
    requests.length = 0;
    await ok("skopeo", ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--src-creds", `ferry:${viewer}`, "--dest-creds", `ferry:${pusher}`, `docker://${image}`, `docker://${host}/mirror/tiny:copied`]);
    const mounts = requests.filter((r) => r.startsWith("POST /v2/mirror/tiny/blobs/uploads/?") && r.includes("mount=sha256") && r.includes("from=apps%2Ftiny"));
    expect(mounts.length).toBeGreaterThan(0);
    expect(countBlobFiles(registryDir)).toBe(blobsAfterPush);

    // skopeo copy to a local OCI layout keeps the manifest byte for byte.
    const layout = join(tmp, "layout");
    await ok("skopeo", ["copy", "--src-tls-verify=false", "--src-creds", `ferry:${viewer}`, `docker://${host}/mirror/tiny:copied`, `oci:${layout}:tiny`]);
    const index = JSON.parse(readFileSync(join(layout, "index.json"), "utf8")) as { manifests: Array<{ digest: string; annotations?: Record<string, string> }> };
    expect(index.manifests.find((m) => m.annotations?.["org.opencontainers.image.ref.name"] === "tiny")?.digest).toBe(pushed);

    // skopeo inspect (manifest, config and the tag list) reports the same digest for both repositories.
    for (const ref of [image, `${host}/mirror/tiny:copied`]) {
      const info = JSON.parse(await ok("skopeo", ["inspect", "--tls-verify=false", "--creds", `ferry:${viewer}`, `docker://${ref}`])) as { Digest: string; RepoTags: string[]; Os: string };
      expect(info.Digest).toBe(pushed);
      expect(info.Os).toBe("linux");
      expect(info.RepoTags.length).toBe(1);
    }

    // Without credentials the registry challenges the client.
    const anonymous = await run("skopeo", ["inspect", "--tls-verify=false", "--no-creds", `docker://${image}`]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/unauthorized: authentication required/);
  }, 240_000);
});
