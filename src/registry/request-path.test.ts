import { describe, expect, it } from "vitest";
import { parseRegistryUrl } from "./request-path.js";

const hex = "a".repeat(64);

describe("parseRegistryUrl", () => {
  it.each([
    ["/v2/", { kind: "base" }],
    ["/v2/a/b/blobs/uploads/", { kind: "uploads", name: "a/b" }],
    ["/v2/a/blobs/uploads/1234", { kind: "upload", name: "a", id: "1234" }],
    [`/v2/a/blobs/sha256:${hex}`, { kind: "blob", name: "a", digest: `sha256:${hex}` }],
    [`/v2/x/blobs/blobs/sha256%3A${hex}`, { kind: "blob", name: "x/blobs", digest: `sha256:${hex}` }],
    ["/v2/a/manifests/latest?x=1", { kind: "manifest", name: "a", reference: "latest" }],
    ["/v2/team/app/tags/list", { kind: "tags", name: "team/app" }],
    [`/v2/a/referrers/sha256:${hex}`, { kind: "referrers", name: "a", digest: `sha256:${hex}` }],
  ])("%s", (url, path) => expect(parseRegistryUrl(url)?.path).toEqual(path));

  it("knows no other paths", () => {
    expect(parseRegistryUrl("/v2/a")).toBeUndefined();
    expect(parseRegistryUrl("/v3/a/tags/list")).toBeUndefined();
    expect(parseRegistryUrl("/v2/%E0%A4%A/tags/list")).toBeUndefined();
    expect(parseRegistryUrl("/v2/a/tags/list?n=2&last=b")?.query.get("last")).toBe("b");
  });
});
