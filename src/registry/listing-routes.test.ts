import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OCI_INDEX, OCI_MANIFEST } from "./manifest.js";
import { digestOf, errorCodes, pushBlob, pushImage, putManifest, startTestRegistry } from "./registry.testing.js";
import type { TestRegistry } from "./registry.testing.js";

const EMPTY = "{}";
const EMPTY_TYPE = "application/vnd.oci.empty.v1+json";

/** An artifact manifest (OCI 1.1): empty config, one layer, an artifactType and a subject. */
async function pushArtifact(reg: TestRegistry, name: string, subject: { digest: string; size: number }, artifactType: string, content: string, annotations: Record<string, string>): Promise<string> {
  await pushBlob(reg, name, EMPTY);
  const layer = await pushBlob(reg, name, content);
  const body = JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType,
    config: { mediaType: EMPTY_TYPE, digest: digestOf(EMPTY), size: 2 },
    layers: [{ mediaType: "application/json", digest: layer, size: content.length }],
    subject: { mediaType: OCI_MANIFEST, ...subject }, annotations,
  });
  const res = await putManifest(reg, name, digestOf(body), body, OCI_MANIFEST, 201);
  expect(res.headers.get("oci-subject")).toBe(subject.digest);
  return digestOf(body);
}

describe("tags and referrers", () => {
  let reg: TestRegistry;
  beforeEach(async () => { reg = await startTestRegistry(); });
  afterEach(() => reg.close());

  it("lists tags in ASCII order, a page at a time with n, last and a Link to the next page", async () => {
    const { body } = await pushImage(reg, "app", "b", ["l"]);
    for (const tag of ["a", "D", "c", "e"]) await putManifest(reg, "app", tag, body, OCI_MANIFEST, 201);
    const all = await reg.req("/v2/app/tags/list");
    expect(await all.json()).toEqual({ name: "app", tags: ["D", "a", "b", "c", "e"] });
    expect(all.headers.get("link")).toBeNull();

    const first = await reg.req("/v2/app/tags/list?n=2");
    expect(await first.json()).toEqual({ name: "app", tags: ["D", "a"] });
    expect(first.headers.get("link")).toBe('</v2/app/tags/list?n=2&last=a>; rel="next"');
    const second = await reg.req("/v2/app/tags/list?n=2&last=a");
    expect(await second.json()).toEqual({ name: "app", tags: ["b", "c"] });
    const last = await reg.req("/v2/app/tags/list?n=2&last=c");
    expect(await last.json()).toEqual({ name: "app", tags: ["e"] });
    expect(last.headers.get("link")).toBeNull();
    expect(await (await reg.req("/v2/app/tags/list?last=b")).json()).toEqual({ name: "app", tags: ["c", "e"] });
    const none = await reg.req("/v2/app/tags/list?n=0");
    expect([await none.json(), none.headers.get("link")]).toEqual([{ name: "app", tags: [] }, null]);
    expect(await errorCodes(await reg.req("/v2/app/tags/list?n=-1"))).toEqual(["UNSUPPORTED"]);
    const unknown = await reg.req("/v2/nothing/tags/list");
    expect([unknown.status, await errorCodes(unknown)]).toEqual([404, ["NAME_UNKNOWN"]]);
  });

  it("lists manifests whose subject is a digest as an image index, filtered by artifactType", async () => {
    const image = await pushImage(reg, "app", "v1", ["layer"]);
    const subject = { digest: image.digest, size: Buffer.byteLength(image.body) };
    const sbom = await pushArtifact(reg, "app", subject, "application/vnd.example.sbom.v1", '{"sbom":1}', { "org.example.format": "spdx" });
    const sig = await pushArtifact(reg, "app", subject, "application/vnd.example.signature.v1", '{"sig":1}', { "org.example.key": "abc" });

    const res = await reg.req(`/v2/app/referrers/${image.digest}`);
    expect([res.status, res.headers.get("content-type"), res.headers.get("oci-filters-applied")]).toEqual([200, OCI_INDEX, null]);
    const index = (await res.json()) as { schemaVersion: number; mediaType: string; manifests: Array<{ digest: string; artifactType: string; annotations: Record<string, string>; mediaType: string; size: number }> };
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.manifests.map((m) => m.digest).sort()).toEqual([sbom, sig].sort());
    expect(index.manifests.find((m) => m.digest === sbom)).toMatchObject({ mediaType: OCI_MANIFEST, artifactType: "application/vnd.example.sbom.v1", annotations: { "org.example.format": "spdx" } });

    const filtered = await reg.req(`/v2/app/referrers/${image.digest}?artifactType=${encodeURIComponent("application/vnd.example.signature.v1")}`);
    expect(filtered.headers.get("oci-filters-applied")).toBe("artifactType");
    expect(((await filtered.json()) as { manifests: Array<{ digest: string }> }).manifests.map((m) => m.digest)).toEqual([sig]);

    expect(reg.events.at(-1)).toMatchObject({ repository: "app", reference: sig, digest: sig, artifactType: "application/vnd.example.signature.v1", annotations: { "org.example.key": "abc" } });

    // Deleting a referrer removes it from the list.
    expect((await reg.req(`/v2/app/manifests/${sbom}`, { method: "DELETE" })).status).toBe(202);
    expect(((await (await reg.req(`/v2/app/referrers/${image.digest}`)).json()) as { manifests: unknown[] }).manifests).toHaveLength(1);
  });

  it("accepts a referrer before its subject, and answers 200 with an empty index when there are none", async () => {
    const future = { digest: digestOf("not pushed yet"), size: 14 };
    const early = await pushArtifact(reg, "app", future, "application/vnd.example.note", '"n"', {});
    const list = (await (await reg.req(`/v2/app/referrers/${future.digest}`)).json()) as { manifests: Array<{ digest: string }> };
    expect(list.manifests.map((m) => m.digest)).toEqual([early]);
    const empty = await reg.req(`/v2/app/referrers/${digestOf("nothing")}`);
    expect([empty.status, await empty.json()]).toEqual([200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }]);
    expect((await reg.req("/v2/app/referrers/sha256:nope")).status).toBe(400);
  });
});
