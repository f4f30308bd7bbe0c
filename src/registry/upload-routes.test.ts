import { existsSync, readdirSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestOf, errorCodes, PUSHER, pushBlob, startTestRegistry } from "./registry.testing.js";
import type { TestRegistry } from "./registry.testing.js";

const blobFiles = (dir: string): string[] => {
  const root = join(dir, "blobs", "sha256");
  return existsSync(root) ? readdirSync(root).flatMap((p) => readdirSync(join(root, p))) : [];
};

async function startSession(reg: TestRegistry, name: string): Promise<string> {
  const res = await reg.req(`/v2/${name}/blobs/uploads/`, { method: "POST", headers: { "content-length": "0" } });
  expect(res.status).toBe(202);
  expect(res.headers.get("range")).toBe("0-0");
  return res.headers.get("location")!;
}

const patch = (reg: TestRegistry, location: string, body: string, range?: string): Promise<Response> =>
  reg.req(location, { method: "PATCH", body, headers: { "content-type": "application/octet-stream", ...(range === undefined ? {} : { "content-range": range }) } });

describe("blob uploads", () => {
  let reg: TestRegistry;
  beforeEach(async () => { reg = await startTestRegistry({ maxBlobBytes: 1000 }); });
  afterEach(() => reg.close());

  it("takes a whole blob in one POST with ?digest= and serves it", async () => {
    const digest = digestOf("layer one");
    const res = await reg.req(`/v2/app/blobs/uploads/?digest=${digest}`, { method: "POST", body: "layer one" });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/v2/app/blobs/${digest}`);
    expect(res.headers.get("docker-content-digest")).toBe(digest);

    const head = await reg.req(`/v2/app/blobs/${digest}`, { method: "HEAD" });
    expect([head.status, head.headers.get("content-length"), head.headers.get("docker-content-digest")]).toEqual([200, "9", digest]);
    const get = await reg.req(`/v2/app/blobs/${digest}`);
    expect(await get.text()).toBe("layer one");
  });

  it("takes POST then a monolithic PUT", async () => {
    const location = await startSession(reg, "app");
    expect(location).toMatch(/^\/v2\/app\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const digest = digestOf("monolithic");
    const res = await reg.req(`${location}?digest=${digest}`, { method: "PUT", body: "monolithic", headers: { "content-type": "application/octet-stream" } });
    expect(res.status).toBe(201);
    expect((await reg.req(`/v2/app/blobs/${digest}`)).status).toBe(200);
  });

  it("takes chunks in order, reports the Range, and closes with PUT", async () => {
    const location = await startSession(reg, "app");
    const first = await patch(reg, location, "hello ", "0-5");
    expect([first.status, first.headers.get("range"), first.headers.get("location")]).toEqual([202, "0-5", location]);
    const second = await patch(reg, location, "chunked ", "6-13");
    expect(second.headers.get("range")).toBe("0-13");
    const digest = digestOf("hello chunked world");
    const done = await reg.req(`${location}?digest=${digest}`, { method: "PUT", body: "world", headers: { "content-range": "14-18" } });
    expect(done.status).toBe(201);
    expect(await (await reg.req(`/v2/app/blobs/${digest}`)).text()).toBe("hello chunked world");
    expect((await reg.req(location)).status).toBe(404);
  });

  it("answers an out-of-order chunk with 416 and resumes from the status", async () => {
    const location = await startSession(reg, "app");
    await patch(reg, location, "abc", "0-2");
    const skipped = await patch(reg, location, "ghi", "6-8");
    expect(skipped.status).toBe(416);
    expect(skipped.headers.get("range")).toBe("0-2");
    expect(await errorCodes(skipped)).toEqual(["BLOB_UPLOAD_INVALID"]);

    const status = await reg.req(location);
    expect([status.status, status.headers.get("range"), status.headers.get("location")]).toEqual([204, "0-2", location]);
    await patch(reg, location, "def", "3-5");
    await patch(reg, location, "ghi", "6-8");
    expect((await reg.req(`${location}?digest=${digestOf("abcdefghi")}`, { method: "PUT" })).status).toBe(201);
  });

  it("keeps an upload as it was when a PATCH breaks off, so the client can continue", async () => {
    const location = await startSession(reg, "app");
    await patch(reg, location, "0123456789", "0-9");
    const id = location.split("/").at(-1)!;
    const data = join(reg.dir, "uploads", id, "data");
    // Send half of a 20-byte chunk, wait until the server has written it, then cut the connection.
    await new Promise<void>((resolve) => {
      const url = new URL(reg.url);
      const r = request({ host: url.hostname, port: url.port, method: "PATCH", path: location, headers: { authorization: PUSHER, "content-length": "20", "content-range": "10-29" } });
      r.on("error", () => undefined);
      r.on("close", () => resolve());
      r.write("abcdefghij");
      const poll = setInterval(() => {
        if (statSync(data).size > 10) {
          clearInterval(poll);
          r.destroy();
        }
      }, 5);
    });
    const resumed = await patch(reg, location, "abcdefghijklmnopqrst", "10-29");
    expect([resumed.status, resumed.headers.get("range")]).toEqual([202, "0-29"]);
    expect((await reg.req(`${location}?digest=${digestOf("0123456789abcdefghijklmnopqrst")}`, { method: "PUT" })).status).toBe(201);
  });

  it("rejects a wrong digest and keeps nothing of it", async () => {
    const wrong = digestOf("something else");
    const res = await reg.req(`/v2/app/blobs/uploads/?digest=${wrong}`, { method: "POST", body: "actual content" });
    expect(res.status).toBe(400);
    expect(await errorCodes(res)).toEqual(["DIGEST_INVALID"]);
    expect((await reg.req(`/v2/app/blobs/${wrong}`, { method: "HEAD" })).status).toBe(404);
    expect((await reg.req(`/v2/app/blobs/${digestOf("actual content")}`, { method: "HEAD" })).status).toBe(404);

    const location = await startSession(reg, "app");
    await patch(reg, location, "chunk");
    const put = await reg.req(`${location}?digest=${wrong}`, { method: "PUT" });
    expect(await errorCodes(put)).toEqual(["DIGEST_INVALID"]);
    expect((await reg.req(location)).status).toBe(404);
    expect(readdirSync(join(reg.dir, "uploads"))).toEqual([]);
    expect(blobFiles(reg.dir)).toEqual([]);
  });

  it("stores the same content pushed twice, to two repositories, once", async () => {
    const digest = await pushBlob(reg, "one", "shared layer");
    await pushBlob(reg, "two", "shared layer");
    expect(blobFiles(reg.dir)).toEqual([digest.slice(7)]);
    expect((await reg.req(`/v2/two/blobs/${digest}`, { method: "HEAD" })).status).toBe(200);
  });

  it("refuses uploads above the blob limit with 413 SIZE_INVALID", async () => {
    const big = "x".repeat(1001);
    const res = await reg.req(`/v2/app/blobs/uploads/?digest=${digestOf(big)}`, { method: "POST", body: big });
    expect(res.status).toBe(413);
    expect(await errorCodes(res)).toEqual(["SIZE_INVALID"]);
    const location = await startSession(reg, "app");
    await patch(reg, location, "x".repeat(600));
    const second = await patch(reg, location, "x".repeat(600));
    expect(second.status).toBe(413);
    expect((await reg.req(location)).headers.get("range")).toBe("0-599");
  });

  it("mounts a blob from another repository the caller may pull, else starts an upload", async () => {
    const digest = await pushBlob(reg, "source", "mountable");
    const mounted = await reg.req(`/v2/target/blobs/uploads/?mount=${digest}&from=source`, { method: "POST" });
    expect([mounted.status, mounted.headers.get("location"), mounted.headers.get("docker-content-digest")]).toEqual([201, `/v2/target/blobs/${digest}`, digest]);
    expect(await (await reg.req(`/v2/target/blobs/${digest}`)).text()).toBe("mountable");

    const unknown = await reg.req(`/v2/target/blobs/uploads/?mount=${digestOf("nope")}&from=source`, { method: "POST" });
    expect(unknown.status).toBe(202);
    expect(unknown.headers.get("location")).toMatch(/^\/v2\/target\/blobs\/uploads\//);
    const notThere = await reg.req(`/v2/third/blobs/uploads/?mount=${digest}&from=elsewhere`, { method: "POST" });
    expect(notThere.status).toBe(202);
    expect((await reg.req(`/v2/third/blobs/${digest}`, { method: "HEAD" })).status).toBe(404);
  });

  it("cancels an upload with DELETE, and knows uploads only in their own repository", async () => {
    const location = await startSession(reg, "app");
    expect((await reg.req(location.replace("/v2/app/", "/v2/other/"))).status).toBe(404);
    expect((await reg.req(location, { method: "DELETE" })).status).toBe(204);
    const gone = await reg.req(location);
    expect(gone.status).toBe(404);
    expect(await errorCodes(gone)).toEqual(["BLOB_UPLOAD_UNKNOWN"]);
    expect((await reg.req(`${location}?digest=${digestOf("")}`, { method: "PUT" })).status).toBe(404);
  });
});
