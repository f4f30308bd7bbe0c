import { createHash, randomUUID } from "node:crypto";
import type { Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream";
import type { Readable } from "node:stream";
import { createBatchWriter } from "./batch-writer.js";
import { parseDigest } from "./digest.js";
import { hasErrnoCode, RegistryError } from "./errors.js";
import { blobPath, uploadDir } from "./layout.js";
import { createVerifyingStream, BlobCorruptError } from "./verifying-stream.js";

/** Inclusive byte offsets, as in HTTP ranges. */
export type ByteRange = { start: number; end: number };
export type UploadInfo = { id: string; owner: string; size: number; startedAt: string };
export type AppendOptions = {
  /** The offset the client says this chunk starts at (Content-Range); anything else is out of order. */
  start?: number;
  /** How many bytes the client says it sends; fewer or more is SIZE_INVALID. */
  length?: number;
  /** The largest the whole upload may grow. */
  maxSize?: number;
};
export type StoredBlob = { digest: string; size: number; created: boolean };

/** A chunk that does not start where the upload ends (HTTP 416); `size` is what the upload holds. */
export class UploadRangeError extends RegistryError {
  constructor(readonly size: number, start: number) {
    super("BLOB_UPLOAD_INVALID", `the chunk starts at ${start} but the upload holds ${size} bytes`, { status: 416, detail: { size, start } });
  }
}

export type BlobStore = {
  /** The size of a stored blob, or undefined. */
  stat(digest: string): Promise<number | undefined>;
  /** A stream of the blob (verified against the digest as it is read), a range of it, or undefined. */
  read(digest: string, range?: ByteRange): Promise<Readable | undefined>;
  /** The whole blob, verified; undefined when it is not stored. */
  readBuffer(digest: string): Promise<Buffer | undefined>;
  /** Stores bytes under their digest (once: an existing blob is kept). */
  putBuffer(data: Uint8Array): Promise<StoredBlob>;
  /** Marks a blob as just used, so garbage collection's grace period protects it; false when absent. */
  touch(digest: string): Promise<boolean>;
  startUpload(owner: string): Promise<UploadInfo>;
  upload(id: string): Promise<UploadInfo | undefined>;
  /** Appends a body to an upload, hashing while writing; a failed append leaves the upload as it was. */
  append(id: string, body: AsyncIterable<Uint8Array>, opts?: AppendOptions): Promise<number>;
  /** Checks the upload against `digest` and moves it into place; a mismatch is DIGEST_INVALID and drops it. */
  commit(id: string, digest: string): Promise<StoredBlob>;
  cancel(id: string): Promise<boolean>;
};

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SESSION_IDLE_MS = 24 * 60 * 60 * 1000;
/** Reads of stored blobs go in chunks this large: fewer system calls and stream hops than the default 64 KiB. */
const READ_CHUNK = 1 << 20;

type Session = { hash: Hash; size: number; usedAt: number };

/**
 * Content-addressed storage under `dir`: `blobs/sha256/<2 hex>/<hex>`, uploads in `uploads/<uuid>/`.
 *
 * Range reads cannot check the whole digest, so the first range read of a blob hashes the whole file once
 * and remembers (by digest, inode, size and mtime) that it matched, in a small per-store cache.
 */
export function createBlobStore(dir: string, opts: { verifiedCacheSize?: number } = {}): BlobStore {
  const sessions = new Map<string, Session>();
  const locks = new Map<string, Promise<void>>();
  const verified = new Set<string>();
  const cacheSize = opts.verifiedCacheSize ?? 1024;

  const remember = (key: string): void => {
    verified.delete(key);
    verified.add(key);
    for (const old of verified) {
      if (verified.size <= cacheSize) break;
      verified.delete(old);
    }
  };

  async function withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn);
    const tail = run.then(() => undefined, () => undefined);
    locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (locks.get(key) === tail) locks.delete(key);
    }
  }

  const dataPath = (id: string): string => join(uploadDir(dir, id), "data");

  async function hashFile(path: string): Promise<{ hash: Hash; size: number }> {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.length;
    }
    return { hash, size };
  }

  /** The in-memory hash state of an upload, rebuilt from its file after a restart. */
  async function session(id: string): Promise<Session | undefined> {
    if (!UPLOAD_ID.test(id)) return undefined;
    const known = sessions.get(id);
    if (known !== undefined) {
      known.usedAt = Date.now();
      return known;
    }
    try {
      const rebuilt = { ...(await hashFile(dataPath(id))), usedAt: Date.now() };
      sessions.set(id, rebuilt);
      return rebuilt;
    } catch (error: unknown) {
      if (hasErrnoCode(error, "ENOENT")) return undefined;
      throw error;
    }
  }

  async function info(id: string): Promise<UploadInfo | undefined> {
    const s = await session(id);
    if (s === undefined) return undefined;
    let text: string;
    try {
      text = await readFile(join(uploadDir(dir, id), "info.json"), "utf8");
    } catch (error: unknown) {
      if (hasErrnoCode(error, "ENOENT")) return undefined;
      throw error;
    }
    const meta = JSON.parse(text) as { owner?: unknown; startedAt?: unknown };
    return { id, owner: String(meta.owner), startedAt: String(meta.startedAt), size: s.size };
  }

  async function drop(id: string): Promise<void> {
    sessions.delete(id);
    await rm(uploadDir(dir, id), { recursive: true, force: true });
  }

  async function statBlob(digest: string): Promise<{ size: number; key: string } | undefined> {
    try {
      const s = await stat(blobPath(dir, parseDigest(digest)));
      return { size: s.size, key: `${digest}:${s.ino}:${s.size}:${s.mtimeMs}` };
    } catch (error: unknown) {
      if (hasErrnoCode(error, "ENOENT")) return undefined;
      throw error;
    }
  }

  async function touch(digest: string): Promise<boolean> {
    const now = new Date();
    try {
      await utimes(blobPath(dir, parseDigest(digest)), now, now);
      return true;
    } catch (error: unknown) {
      if (hasErrnoCode(error, "ENOENT")) return false;
      throw error;
    }
  }

  /** Moves a finished, flushed file into place unless the blob is already stored. */
  async function place(from: string, digest: string): Promise<boolean> {
    if (await touch(digest)) return false;
    const target = blobPath(dir, digest);
    await mkdir(dirname(target), { recursive: true });
    await rename(from, target);
    return true;
  }

  return {
    async stat(digest) {
      return (await statBlob(digest))?.size;
    },

    async read(digest, range) {
      const found = await statBlob(digest);
      if (found === undefined) return undefined;
      const path = blobPath(dir, digest);
      if (range !== undefined) {
        if (!verified.has(found.key)) {
          const { hash } = await hashFile(path);
          const actual = `sha256:${hash.digest("hex")}`;
          if (actual !== digest) throw new BlobCorruptError(digest, actual);
          remember(found.key);
        }
        return createReadStream(path, { start: range.start, end: range.end, highWaterMark: READ_CHUNK });
      }
      const verifier = createVerifyingStream(digest, () => remember(found.key));
      return pipeline(createReadStream(path, { highWaterMark: READ_CHUNK }), verifier, () => undefined);
    },

    async readBuffer(digest) {
      let data: Buffer;
      try {
        data = await readFile(blobPath(dir, parseDigest(digest)));
      } catch (error: unknown) {
        if (hasErrnoCode(error, "ENOENT")) return undefined;
        throw error;
      }
      const actual = `sha256:${createHash("sha256").update(data).digest("hex")}`;
      if (actual !== digest) throw new BlobCorruptError(digest, actual);
      return data;
    },

    async putBuffer(data) {
      const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
      if (await touch(digest)) return { digest, size: data.length, created: false };
      const id = randomUUID();
      await mkdir(uploadDir(dir, id), { recursive: true });
      try {
        const handle = await open(dataPath(id), "wx");
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        return { digest, size: data.length, created: await place(dataPath(id), digest) };
      } finally {
        await rm(uploadDir(dir, id), { recursive: true, force: true });
      }
    },

    touch,

    async startUpload(owner) {
      const now = Date.now();
      for (const [key, s] of sessions) if (now - s.usedAt > SESSION_IDLE_MS) sessions.delete(key);
      const id = randomUUID();
      const startedAt = new Date(now).toISOString();
      await mkdir(uploadDir(dir, id), { recursive: true });
      await writeFile(join(uploadDir(dir, id), "info.json"), JSON.stringify({ owner, startedAt }));
      await writeFile(dataPath(id), new Uint8Array(0));
      sessions.set(id, { hash: createHash("sha256"), size: 0, usedAt: now });
      return { id, owner, size: 0, startedAt };
    },

    upload: (id) => withLock(id, () => info(id)),

    append: (id, body, o = {}) => withLock(id, async () => {
      const s = await session(id);
      if (s === undefined) throw new RegistryError("BLOB_UPLOAD_UNKNOWN", `no upload ${id}`);
      if (o.start !== undefined && o.start !== s.size) throw new UploadRangeError(s.size, o.start);
      const tooBig = (size: number): RegistryError => new RegistryError("SIZE_INVALID", `the blob would be ${size} bytes; the limit is ${o.maxSize} bytes`, { status: 413, detail: { limit: o.maxSize } });
      if (o.maxSize !== undefined && o.length !== undefined && s.size + o.length > o.maxSize) throw tooBig(s.size + o.length);
      const startSize = s.size;
      const saved = s.hash.copy();
      const handle = await open(dataPath(id), "r+");
      const writer = createBatchWriter(handle, startSize);
      try {
        let position = startSize;
        for await (const chunk of body) {
          if (o.maxSize !== undefined && position + chunk.length > o.maxSize) throw tooBig(position + chunk.length);
          if (o.length !== undefined && position - startSize + chunk.length > o.length) throw new RegistryError("SIZE_INVALID", `more than the ${o.length} bytes announced`);
          s.hash.update(chunk);
          position += chunk.length;
          const full = writer.push(chunk);
          if (full !== undefined) await full;
        }
        if (o.length !== undefined && position - startSize !== o.length) throw new RegistryError("SIZE_INVALID", `${position - startSize} bytes received, ${o.length} announced`);
        await writer.finish();
        s.size = position;
        return position;
      } catch (error: unknown) {
        s.hash = saved;
        s.size = startSize;
        await writer.settle();
        await handle.truncate(startSize);
        throw error;
      } finally {
        await handle.close();
      }
    }),

    commit: (id, expected) => withLock(id, async () => {
      const digest = parseDigest(expected);
      const s = await session(id);
      if (s === undefined) throw new RegistryError("BLOB_UPLOAD_UNKNOWN", `no upload ${id}`);
      const actual = `sha256:${s.hash.copy().digest("hex")}`;
      if (actual !== digest) {
        await drop(id);
        throw new RegistryError("DIGEST_INVALID", `the upload hashes to ${actual}, not ${digest}`, { detail: { expected: digest, actual } });
      }
      const handle = await open(dataPath(id), "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const created = await place(dataPath(id), digest);
      await drop(id);
      return { digest, size: s.size, created };
    }),

    cancel: (id) => withLock(id, async () => {
      if ((await session(id)) === undefined) return false;
      await drop(id);
      return true;
    }),
  };
}
