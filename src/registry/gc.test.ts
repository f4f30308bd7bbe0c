import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBlobStore } from "./blob-store.js";
import { collectGarbage } from "./gc.js";
import { OCI_INDEX, OCI_MANIFEST } from "./manifest.js";
import { createMetadata } from "./metadata.js";
import { descriptor, digestOf } from "./registry.testing.js";

const CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
const LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";

describe("collectGarbage", () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "ferry-gc-")); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Stores blobs and a manifest directly, the way the routes do, and records it in `name`. */
  async function image(name: string, tag: string | undefined, layers: string[]): Promise<string> {
    const blobs = createBlobStore(dir);
    const meta = createMetadata(dir);
    const config = `{"n":"${name}:${tag ?? "-"}"}`;
    for (const content of [config, ...layers]) {
      await blobs.putBuffer(Buffer.from(content));
      await meta.linkBlob(name, digestOf(content));
    }
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: descriptor(config, CONFIG_TYPE), layers: layers.map((l) => descriptor(l, LAYER_TYPE)) });
    const { digest } = await blobs.putBuffer(Buffer.from(body));
    await meta.putManifest(name, { digest, mediaType: OCI_MANIFEST, size: body.length, pushedAt: new Date().toISOString() });
    if (tag !== undefined) await meta.setTag(name, tag, digest);
    return digest;
  }

  it("keeps every blob a recorded manifest or index references and removes orphans", async () => {
    const tagged = await image("app", "v1", ["shared", "only in v1"]);
    const untagged = await image("app", undefined, ["shared", "only in untagged"]);
    const blobs = createBlobStore(dir);
    const meta = createMetadata(dir);
    const indexBody = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: tagged, size: 1 }] });
    const { digest: index } = await blobs.putBuffer(Buffer.from(indexBody));
    await meta.putManifest("app", { digest: index, mediaType: OCI_INDEX, size: indexBody.length, pushedAt: new Date().toISOString() });
    await blobs.putBuffer(Buffer.from("orphan"));
    await meta.linkBlob("app", digestOf("orphan"));
    await blobs.putBuffer(Buffer.from("kept by the caller"));

    const keep = (d: string): boolean => d === digestOf("kept by the caller");
    const result = await collectGarbage(dir, { graceMs: 0, keep });
    expect(result.blobs).toEqual([{ digest: digestOf("orphan"), size: 6 }]);
    expect(result.links).toEqual([{ repository: "app", digest: digestOf("orphan") }]);
    for (const d of [tagged, untagged, index, digestOf("shared"), digestOf("only in v1"), digestOf("only in untagged"), digestOf("kept by the caller")]) {
      expect(await blobs.stat(d)).toBeGreaterThan(0);
    }
    expect(await blobs.stat(digestOf("orphan"))).toBeUndefined();
    expect(await meta.isBlobLinked("app", digestOf("orphan"))).toBe(false);

    // Once the manifest is forgotten, what only it referenced goes too; what another references stays.
    await meta.deleteManifest("app", untagged);
    const second = await collectGarbage(dir, { graceMs: 0, keep });
    expect(second.blobs.map((b) => b.digest).sort()).toEqual([untagged, digestOf("only in untagged"), digestOf(`{"n":"app:-"}`)].sort());
    expect(await blobs.stat(digestOf("shared"))).toBe(6);
  });

  it("spares unreferenced blobs inside the grace period, and reports without removing in a dry run", async () => {
    const blobs = createBlobStore(dir);
    await blobs.putBuffer(Buffer.from("fresh"));
    expect((await collectGarbage(dir)).blobs).toEqual([]);
    const dry = await collectGarbage(dir, { graceMs: 0, dryRun: true });
    expect(dry.blobs.map((b) => b.digest)).toEqual([digestOf("fresh")]);
    expect(await blobs.stat(digestOf("fresh"))).toBe(5);
  });

  it("removes uploads untouched for a day and keeps recent ones", async () => {
    const blobs = createBlobStore(dir);
    const old = await blobs.startUpload("app");
    const recent = await blobs.startUpload("app");
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    for (const p of [join(dir, "uploads", old.id, "data"), join(dir, "uploads", old.id)]) utimesSync(p, dayAgo, dayAgo);
    const result = await collectGarbage(dir);
    expect(result.uploads).toEqual([old.id]);
    expect(readdirSync(join(dir, "uploads"))).toEqual([recent.id]);
  });

  it("removes nothing when a recorded manifest cannot be parsed", async () => {
    await image("app", "v1", ["layer"]);
    const blobs = createBlobStore(dir);
    const meta = createMetadata(dir);
    const { digest } = await blobs.putBuffer(Buffer.from("not a manifest"));
    await meta.putManifest("app", { digest, mediaType: OCI_MANIFEST, size: 14, pushedAt: new Date().toISOString() });
    await blobs.putBuffer(Buffer.from("orphan"));
    await expect(collectGarbage(dir, { graceMs: 0 })).rejects.toThrow(/cannot be parsed/);
    expect(await blobs.stat(digestOf("orphan"))).toBe(6);
  });

  it("ignores stray files in the blob tree", async () => {
    mkdirSync(join(dir, "blobs", "sha256", "ab"), { recursive: true });
    writeFileSync(join(dir, "blobs", "sha256", "ab", "not-a-digest"), "x");
    expect((await collectGarbage(dir, { graceMs: 0 })).blobs).toEqual([]);
  });
});
