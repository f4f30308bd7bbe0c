import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OCI_INDEX, OCI_MANIFEST } from "./manifest.js";
import { descriptor, digestOf, errorCodes, pushBlob, pushImage, putManifest, startTestRegistry } from "./registry.testing.js";
import type { TestRegistry } from "./registry.testing.js";

describe("manifests", () => {
  let reg: TestRegistry;
  beforeEach(async () => { reg = await startTestRegistry({ maxManifestBytes: 4096 }); });
  afterEach(() => reg.close());

  it("stores a manifest byte for byte and serves it by tag and by digest with its media type", async () => {
    const { digest, body } = await pushImage(reg, "team/app", "v1", ["layer a", "layer b"]);
    for (const ref of ["v1", digest]) {
      const res = await reg.req(`/v2/team/app/manifests/${ref}`, { headers: { accept: OCI_MANIFEST } });
      expect([res.status, res.headers.get("content-type"), res.headers.get("docker-content-digest")]).toEqual([200, OCI_MANIFEST, digest]);
      expect(await res.text()).toBe(body);
      const head = await reg.req(`/v2/team/app/manifests/${ref}`, { method: "HEAD" });
      expect([head.status, head.headers.get("content-length")]).toEqual([200, String(Buffer.byteLength(body))]);
    }
    expect(reg.events).toEqual([{ repository: "team/app", reference: "v1", digest, mediaType: OCI_MANIFEST, artifactType: "application/vnd.oci.image.config.v1+json" }]);
    const unknown = await reg.req("/v2/team/app/manifests/v2");
    expect([unknown.status, await errorCodes(unknown)]).toEqual([404, ["MANIFEST_UNKNOWN"]]);
  });

  it("answers a PUT with 201, Location and Docker-Content-Digest", async () => {
    const config = await pushBlob(reg, "app", "{}");
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 2 }, layers: [] });
    const res = await putManifest(reg, "app", "latest", body, OCI_MANIFEST);
    expect([res.status, res.headers.get("location"), res.headers.get("docker-content-digest")]).toEqual([201, `/v2/app/manifests/${digestOf(body)}`, digestOf(body)]);
  });

  it("rejects a manifest naming a layer the repository lacks, listing every missing one, and keeps nothing", async () => {
    const config = await pushBlob(reg, "app", "{}");
    await pushBlob(reg, "elsewhere", "layer in another repository");
    const body = JSON.stringify({
      schemaVersion: 2, mediaType: OCI_MANIFEST,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 2 },
      layers: [descriptor("missing layer", "application/vnd.oci.image.layer.v1.tar"), descriptor("layer in another repository", "application/vnd.oci.image.layer.v1.tar")],
    });
    const res = await putManifest(reg, "app", "broken", body, OCI_MANIFEST);
    expect(res.status).toBe(400);
    const errors = (await res.json()) as { errors: Array<{ code: string; detail: { digest: string } }> };
    expect(errors.errors.map((e) => [e.code, e.detail.digest])).toEqual([
      ["MANIFEST_BLOB_UNKNOWN", digestOf("missing layer")], ["MANIFEST_BLOB_UNKNOWN", digestOf("layer in another repository")],
    ]);
    expect((await reg.req("/v2/app/manifests/broken")).status).toBe(404);
    expect((await reg.req(`/v2/app/manifests/${digestOf(body)}`)).status).toBe(404);
    expect(reg.events).toEqual([]);
  });

  it("accepts an index whose children are in the repository and rejects one whose are not", async () => {
    const amd = await pushImage(reg, "multi", "amd64", ["amd64 layer"]);
    const arm = await pushImage(reg, "multi", "arm64", ["arm64 layer"]);
    const index = (children: string[]): string => JSON.stringify({
      schemaVersion: 2, mediaType: OCI_INDEX,
      manifests: children.map((d) => ({ mediaType: OCI_MANIFEST, digest: d, size: 100, platform: { os: "linux", architecture: "amd64" } })),
    });
    const good = await putManifest(reg, "multi", "latest", index([amd.digest, arm.digest]), OCI_INDEX);
    expect(good.status).toBe(201);
    expect((await reg.req("/v2/multi/manifests/latest")).headers.get("content-type")).toBe(OCI_INDEX);
    const bad = await putManifest(reg, "multi", "broken", index([amd.digest, digestOf("no such manifest")]), OCI_INDEX);
    expect([bad.status, await errorCodes(bad)]).toEqual([400, ["MANIFEST_BLOB_UNKNOWN"]]);
  });

  it.each([
    ["not JSON", "{", OCI_MANIFEST],
    ["a media type that differs from Content-Type", JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }), OCI_MANIFEST],
    ["a missing config", JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }), OCI_MANIFEST],
    ["schema version 1", JSON.stringify({ schemaVersion: 1, mediaType: OCI_INDEX, manifests: [] }), OCI_INDEX],
    ["an unsupported media type", JSON.stringify({ schemaVersion: 2, mediaType: "application/x-custom", manifests: [] }), "application/x-custom"],
  ])("rejects %s as MANIFEST_INVALID", async (_what, body, contentType) => {
    const res = await putManifest(reg, "app", "bad", body, contentType);
    expect([res.status, await errorCodes(res)]).toEqual([400, ["MANIFEST_INVALID"]]);
  });

  it("checks a digest reference against the body, tags against the spec, and the size limit", async () => {
    const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    const wrong = await putManifest(reg, "app", digestOf("other"), body, OCI_INDEX);
    expect([wrong.status, await errorCodes(wrong)]).toEqual([400, ["DIGEST_INVALID"]]);
    expect((await putManifest(reg, "app", digestOf(body), body, OCI_INDEX)).status).toBe(201);
    const badTag = await putManifest(reg, "app", "-leading-dash", body, OCI_INDEX);
    expect([badTag.status, await errorCodes(badTag)]).toEqual([400, ["MANIFEST_INVALID"]]);
    const huge = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], annotations: { pad: "x".repeat(5000) } });
    const tooBig = await putManifest(reg, "app", "huge", huge, OCI_INDEX);
    expect([tooBig.status, await errorCodes(tooBig)]).toEqual([413, ["SIZE_INVALID"]]);
  });

  it("deletes a tag, or a manifest with all its tags", async () => {
    const { digest } = await pushImage(reg, "app", "v1", ["l"]);
    await putManifest(reg, "app", "stable", (await (await reg.req("/v2/app/manifests/v1")).text()), OCI_MANIFEST, 201);
    expect((await reg.req("/v2/app/manifests/v1", { method: "DELETE" })).status).toBe(202);
    expect((await reg.req("/v2/app/manifests/v1")).status).toBe(404);
    expect((await reg.req(`/v2/app/manifests/${digest}`)).status).toBe(200);
    expect((await reg.req(`/v2/app/manifests/${digest}`, { method: "DELETE" })).status).toBe(202);
    expect((await reg.req("/v2/app/manifests/stable")).status).toBe(404);
    expect((await reg.req(`/v2/app/manifests/${digest}`)).status).toBe(404);
    const again = await reg.req(`/v2/app/manifests/${digest}`, { method: "DELETE" });
    expect([again.status, await errorCodes(again)]).toEqual([404, ["MANIFEST_UNKNOWN"]]);
  });
});
