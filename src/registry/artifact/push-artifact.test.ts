import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRegistryClient, RegistryClientError } from "../client/index.js";
import type { RegistryClient } from "../client/index.js";
import { blobPath } from "../layout.js";
import { OCI_MANIFEST } from "../manifest.js";
import { startTestRegistry } from "../registry.testing.js";
import type { TestRegistry } from "../registry.testing.js";
import type { ArtifactError } from "./artifact-error.js";
import { inspectArtifact } from "./inspect-artifact.js";
import { EMPTY_CONFIG } from "./media-types.js";
import { pullArtifact } from "./pull-artifact.js";
import { pushArtifact } from "./push-artifact.js";

const STEP_ENV = { GITHUB_REPOSITORY: "acme/shop", GITHUB_SHA: "0123abcd", GITHUB_RUN_ID: "77", GITHUB_JOB: "build" };

let reg: TestRegistry;
let client: RegistryClient;
let tmp: string;
let src: string;

beforeAll(async () => {
  reg = await startTestRegistry();
  client = createRegistryClient({ url: reg.url, token: "pusher-token" });
});
afterAll(async () => {
  await reg.close();
});
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "ferry-artifact-test-"));
  src = join(tmp, "src");
  mkdirSync(join(src, "dist/lib"), { recursive: true });
  writeFileSync(join(src, "dist/lib/app.js"), "export const answer = 42;\n");
  writeFileSync(join(src, "dist/start.sh"), "#!/bin/sh\nnode lib/app.js\n");
  chmodSync(join(src, "dist/start.sh"), 0o755);
  symlinkSync("lib/app.js", join(src, "dist/main.js"));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const push = (name: string, version: string, env: Record<string, string> = {}): ReturnType<typeof pushArtifact> =>
  pushArtifact({ client, name, version, paths: ["dist"], base: src, env, now: () => new Date("2025-06-01T12:00:00Z") });

describe("pushArtifact and pullArtifact", () => {
  it("pushes a tree and pulls it back identical", async () => {
    const pushed = await push("web/app", "1.0.0", STEP_ENV);
    const out = join(tmp, "out");

    const pulled = await pullArtifact({ client, reference: { name: "web/app", tag: "1.0.0" }, dir: out });

    expect(pulled.digest).toBe(pushed.digest);
    expect(readFileSync(join(out, "dist/lib/app.js"), "utf8")).toBe("export const answer = 42;\n");
    expect(lstatSync(join(out, "dist/start.sh")).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(out, "dist/main.js"))).toBe("lib/app.js");
    expect(pushed.manifest.config).toEqual(EMPTY_CONFIG);
    expect(pushed.manifest.annotations).toMatchObject({
      "org.opencontainers.image.created": "2025-06-01T12:00:00.000Z", "org.opencontainers.image.title": "web/app",
      "org.opencontainers.image.version": "1.0.0", "dev.ferry.repository": "acme/shop", "dev.ferry.commit": "0123abcd",
      "dev.ferry.run": "77", "dev.ferry.job": "build",
    });
  });

  it("stores the same content once: a second version reuses the layer without uploading it", async () => {
    const first = await push("dedupe", "1");
    const second = await push("dedupe", "2");

    expect(second.layer.digest).toBe(first.layer.digest);
    expect(second.layer.uploaded).toBe(false);
    expect(await client.listTags("dedupe")).toEqual(["1", "2"]);
  });

  it("pulls the most recently created version when none is named", async () => {
    await pushArtifact({ client, name: "latest", version: "2.0.0", paths: ["dist/start.sh"], base: src, now: () => new Date("2025-01-01T00:00:00Z") });
    await pushArtifact({ client, name: "latest", version: "1.9.9", paths: ["dist/lib"], base: src, now: () => new Date("2025-02-01T00:00:00Z") });

    const pulled = await pullArtifact({ client, reference: { name: "latest" }, dir: join(tmp, "out") });

    expect(pulled.tag).toBe("1.9.9");
    expect(readdirSync(join(tmp, "out/dist"))).toEqual(["lib"]);
  });

  it("refuses a target that is not empty, before fetching anything", async () => {
    mkdirSync(join(tmp, "full"));
    writeFileSync(join(tmp, "full/keep.txt"), "mine");

    const error = await pullArtifact({ client, reference: { name: "nothing", tag: "1" }, dir: join(tmp, "full") }).catch((e: unknown) => e);

    expect((error as ArtifactError).code).toBe("TARGET_NOT_EMPTY");
  });

  it("refuses to extract what is not a Ferry artifact", async () => {
    await client.pushBlob("image", Buffer.from("{}"));
    const layer = await client.pushBlob("image", Buffer.from("not a tar"));
    await client.putManifest("image", "1", { schemaVersion: 2, mediaType: OCI_MANIFEST, config: EMPTY_CONFIG, layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer.digest, size: layer.size }] }, OCI_MANIFEST);

    const error = await pullArtifact({ client, reference: { name: "image", tag: "1" }, dir: join(tmp, "out") }).catch((e: unknown) => e);

    expect((error as ArtifactError).code).toBe("NOT_AN_ARTIFACT");
    expect(existsSync(join(tmp, "out"))).toBe(false);
  });

  it("fails on a tampered layer and leaves nothing behind", async () => {
    writeFileSync(join(src, "dist/big.bin"), Buffer.alloc(3 << 20, 7));
    const pushed = await push("tampered", "1");
    const file = blobPath(reg.dir, pushed.layer.digest);
    const bytes = readFileSync(file);
    bytes[bytes.length - 5000] = (bytes[bytes.length - 5000] ?? 0) ^ 1;
    writeFileSync(file, bytes);

    const error = await pullArtifact({ client, reference: { name: "tampered", tag: "1" }, dir: join(tmp, "out") }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryClientError);
    expect(existsSync(join(tmp, "out"))).toBe(false);
  });

  it("refuses names and versions the registry would refuse, before staging anything", async () => {
    const error = await pushArtifact({ client, name: "Bad Name", version: "1", paths: ["dist"], base: src }).catch((e: unknown) => e);

    expect((error as ArtifactError).code).toBe("INVALID_REFERENCE");
  });
});

describe("inspectArtifact", () => {
  it("shows digest, size, creation, provenance and referrers", async () => {
    const pushed = await push("inspected", "3.1.4", STEP_ENV);
    const signature = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: "application/vnd.dev.sigstore.bundle+json", config: EMPTY_CONFIG, layers: [], subject: { mediaType: OCI_MANIFEST, digest: pushed.digest, size: 1 } };
    const signatureDigest = await client.putManifest("inspected", "sha256-signature", signature, OCI_MANIFEST);

    const info = await inspectArtifact(client, { name: "inspected", tag: "3.1.4" });

    expect(info).toMatchObject({
      name: "inspected", tag: "3.1.4", digest: pushed.digest, artifactType: "application/vnd.ferry.artifact.v1",
      size: pushed.layer.size, created: "2025-06-01T12:00:00.000Z",
      provenance: { repository: "acme/shop", commit: "0123abcd", run: "77", job: "build" },
    });
    expect(info.referrers.map((r) => [r.digest, r.artifactType])).toEqual([[signatureDigest, "application/vnd.dev.sigstore.bundle+json"]]);
  });
});
