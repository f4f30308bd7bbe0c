import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBlobStore } from "./blob-store.js";
import { RegistryError } from "./errors.js";
import { blobPath } from "./layout.js";
import { digestOf } from "./registry.testing.js";
import { BlobCorruptError } from "./verifying-stream.js";

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const chunks = (...parts: string[]): AsyncIterable<Uint8Array> => Readable.from(parts.map((p) => Buffer.from(p)));

async function* failingBody(): AsyncIterable<Uint8Array> {
  yield Buffer.from("partial ");
  await Promise.resolve();
  throw new Error("client went away");
}

describe("createBlobStore", () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "ferry-blobs-")); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("stores content under blobs/sha256/<2 hex>/<hex> and reads it back verified", async () => {
    const store = createBlobStore(dir);
    const put = await store.putBuffer(Buffer.from("hello"));
    expect(put).toEqual({ digest: digestOf("hello"), size: 5, created: true });
    expect(readFileSync(join(dir, "blobs", "sha256", put.digest.slice(7, 9), put.digest.slice(7)), "utf8")).toBe("hello");
    expect(await store.stat(put.digest)).toBe(5);
    expect((await readAll((await store.read(put.digest))!)).toString()).toBe("hello");
    expect(await store.stat(digestOf("absent"))).toBeUndefined();
    expect(await store.read(digestOf("absent"))).toBeUndefined();
  });

  it("commits an upload only when its digest matches, and stores equal content once", async () => {
    const store = createBlobStore(dir);
    const a = await store.startUpload("repo");
    await store.append(a.id, chunks("same ", "bytes"));
    await expect(store.commit(a.id, digestOf("other"))).rejects.toMatchObject({ code: "DIGEST_INVALID" });
    expect(await store.upload(a.id)).toBeUndefined();
    expect(readdirSync(join(dir, "uploads"))).toEqual([]);
    expect(await store.stat(digestOf("same bytes"))).toBeUndefined();

    for (const _ of [1, 2]) {
      const u = await store.startUpload("repo");
      await store.append(u.id, chunks("same bytes"));
      await store.commit(u.id, digestOf("same bytes"));
    }
    const prefix = join(dir, "blobs", "sha256", digestOf("same bytes").slice(7, 9));
    expect(readdirSync(prefix)).toEqual([digestOf("same bytes").slice(7)]);
    expect(readdirSync(join(dir, "uploads"))).toEqual([]);
  });

  it("leaves an upload as it was when an append fails, and resumes after a restart", async () => {
    const store = createBlobStore(dir);
    const u = await store.startUpload("repo");
    expect(await store.append(u.id, chunks("first "), { start: 0, length: 6 })).toBe(6);
    await expect(store.append(u.id, failingBody())).rejects.toThrow("client went away");
    await expect(store.append(u.id, chunks("x"), { start: 3 })).rejects.toMatchObject({ status: 416 });
    await expect(store.append(u.id, chunks("short"), { length: 9 })).rejects.toMatchObject({ code: "SIZE_INVALID" });
    await expect(store.append(u.id, chunks("too much"), { maxSize: 10 })).rejects.toMatchObject({ code: "SIZE_INVALID", status: 413 });
    expect((await store.upload(u.id))?.size).toBe(6);

    const restarted = createBlobStore(dir);
    expect(await restarted.upload(u.id)).toMatchObject({ owner: "repo", size: 6 });
    await restarted.append(u.id, chunks("second"), { start: 6 });
    expect(await restarted.commit(u.id, digestOf("first second"))).toMatchObject({ size: 12, created: true });
  });

  it("rejects digests of other algorithms and malformed ones", async () => {
    const store = createBlobStore(dir);
    await expect(store.stat(`sha512:${"a".repeat(128)}`)).rejects.toMatchObject({ code: "UNSUPPORTED" });
    await expect(store.stat("sha256:xyz")).rejects.toMatchObject({ code: "DIGEST_INVALID" });
    await expect(store.stat("../../etc/passwd")).rejects.toBeInstanceOf(RegistryError);
  });

  it("fails a full read at the end when a stored byte flipped, without handing out all the bytes", async () => {
    const store = createBlobStore(dir);
    const data = Buffer.alloc(300_000, 7);
    const { digest } = await store.putBuffer(data);
    const stored = readFileSync(blobPath(dir, digest));
    stored[150_000] = 8;
    writeFileSync(blobPath(dir, digest), stored);
    const received: Buffer[] = [];
    const stream = (await store.read(digest))!;
    stream.on("data", (c: Buffer) => received.push(c));
    await expect(new Promise((resolve, reject) => { stream.on("end", resolve); stream.on("error", reject); })).rejects.toBeInstanceOf(BlobCorruptError);
    expect(Buffer.concat(received).length).toBeLessThan(data.length);
    await expect(store.readBuffer(digest)).rejects.toBeInstanceOf(BlobCorruptError);
    await expect(store.read(digest, { start: 0, end: 9 })).rejects.toBeInstanceOf(BlobCorruptError);
  });

  it("verifies the whole blob on the first range read and remembers it", async () => {
    const store = createBlobStore(dir);
    const { digest } = await store.putBuffer(Buffer.from("0123456789"));
    expect((await readAll((await store.read(digest, { start: 2, end: 5 }))!)).toString()).toBe("2345");
    expect((await readAll((await store.read(digest, { start: 9, end: 9 }))!)).toString()).toBe("9");
    writeFileSync(blobPath(dir, digest), "0123456780");
    await expect(store.read(digest, { start: 0, end: 1 })).rejects.toBeInstanceOf(BlobCorruptError);
  });
});
