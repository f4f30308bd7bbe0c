import { readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { blobPath } from "./layout.js";
import { digestOf, errorCodes, pushBlob, startTestRegistry } from "./registry.testing.js";
import type { TestRegistry } from "./registry.testing.js";

describe("blob reads and deletes", () => {
  let reg: TestRegistry;
  beforeEach(async () => { reg = await startTestRegistry(); });
  afterEach(() => reg.close());

  it("serves byte ranges with 206 and refuses ranges outside the blob", async () => {
    const digest = await pushBlob(reg, "app", "0123456789");
    const part = await reg.req(`/v2/app/blobs/${digest}`, { headers: { range: "bytes=2-5" } });
    expect([part.status, part.headers.get("content-range"), part.headers.get("content-length"), await part.text()]).toEqual([206, "bytes 2-5/10", "4", "2345"]);
    const tail = await reg.req(`/v2/app/blobs/${digest}`, { headers: { range: "bytes=-3" } });
    expect(await tail.text()).toBe("789");
    const open = await reg.req(`/v2/app/blobs/${digest}`, { headers: { range: "bytes=8-" } });
    expect(await open.text()).toBe("89");
    const outside = await reg.req(`/v2/app/blobs/${digest}`, { headers: { range: "bytes=10-12" } });
    expect([outside.status, outside.headers.get("content-range")]).toEqual([416, "bytes */10"]);
    const whole = await reg.req(`/v2/app/blobs/${digest}`);
    expect([whole.status, whole.headers.get("accept-ranges"), whole.headers.get("docker-content-digest")]).toEqual([200, "bytes", digest]);
    await whole.arrayBuffer();
  });

  it("fails the download of a blob whose stored bytes changed", async () => {
    const big = Buffer.alloc(512 * 1024, "a");
    const bigDigest = await pushBlob(reg, "app", big);
    const small = await pushBlob(reg, "app", "tiny");
    for (const digest of [bigDigest, small]) {
      const stored = readFileSync(blobPath(reg.dir, digest));
      const at = Math.floor(stored.length / 2);
      stored.writeUInt8(stored.readUInt8(at) ^ 1, at);
      writeFileSync(blobPath(reg.dir, digest), stored);
    }
    // A large blob has started streaming when the mismatch shows at the end: the connection is cut short.
    const res = await reg.req(`/v2/app/blobs/${bigDigest}`);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    // A small one is held back entirely, so the failure is a clean 500.
    const tiny = await reg.req(`/v2/app/blobs/${small}`);
    expect([tiny.status, tiny.headers.get("cache-control"), tiny.headers.get("docker-content-digest")]).toEqual([500, null, null]);
    expect(await tiny.json()).toEqual({ errors: [{ code: "UNKNOWN", message: `stored content of ${small} is corrupt` }] });
    expect((await reg.req(`/v2/app/blobs/${bigDigest}`, { headers: { range: "bytes=0-9" } })).status).toBe(500);
  });

  it("answers 404 BLOB_UNKNOWN for blobs the repository does not hold, even if another does", async () => {
    const digest = await pushBlob(reg, "one", "private to one");
    const res = await reg.req(`/v2/two/blobs/${digest}`);
    expect(res.status).toBe(404);
    expect(await errorCodes(res)).toEqual(["BLOB_UNKNOWN"]);
    expect((await reg.req(`/v2/one/blobs/${digestOf("never pushed")}`, { method: "HEAD" })).status).toBe(404);
  });

  it("checks digests: malformed is DIGEST_INVALID, another algorithm UNSUPPORTED", async () => {
    const bad = await reg.req("/v2/app/blobs/sha256:1234");
    expect([bad.status, await errorCodes(bad)]).toEqual([400, ["DIGEST_INVALID"]]);
    const other = await reg.req(`/v2/app/blobs/sha512:${"a".repeat(128)}`);
    expect([other.status, await errorCodes(other)]).toEqual([400, ["UNSUPPORTED"]]);
    const upload = await reg.req(`/v2/app/blobs/uploads/?digest=md5:abc`, { method: "POST", body: "x" });
    expect(await errorCodes(upload)).toEqual(["UNSUPPORTED"]);
  });

  it("unlinks a blob from a repository with DELETE", async () => {
    const digest = await pushBlob(reg, "app", "to delete");
    expect((await reg.req(`/v2/app/blobs/${digest}`, { method: "DELETE" })).status).toBe(202);
    expect((await reg.req(`/v2/app/blobs/${digest}`, { method: "HEAD" })).status).toBe(404);
    const again = await reg.req(`/v2/app/blobs/${digest}`, { method: "DELETE" });
    expect([again.status, await errorCodes(again)]).toEqual([404, ["BLOB_UNKNOWN"]]);
  });
});
