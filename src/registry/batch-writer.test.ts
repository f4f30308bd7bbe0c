import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBatchWriter } from "./batch-writer.js";

describe("createBatchWriter", () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "ferry-batch-")); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes chunks pushed without waiting in order, after what the file already holds", async () => {
    const file = join(dir, "data");
    writeFileSync(file, "head:");
    const chunks = Array.from({ length: 200 }, (_, i) => randomBytes(1 + (i * 7919) % 70_000));
    const handle = await open(file, "r+");
    try {
      const writer = createBatchWriter(handle, 5, 256 << 10);
      for (const chunk of chunks) await writer.push(chunk);
      await writer.finish();
    } finally {
      await handle.close();
    }
    expect(readFileSync(file).equals(Buffer.concat([Buffer.from("head:"), ...chunks]))).toBe(true);
  });

  it("puts a chunk on disk as soon as it is pushed when nothing else is being written", async () => {
    const file = join(dir, "data");
    const handle = await open(file, "w");
    try {
      const writer = createBatchWriter(handle, 0);
      expect(writer.push(Buffer.from("first"))).toBeUndefined();
      await writer.settle();
      expect(readFileSync(file, "utf8")).toBe("first");
      expect(writer.push(Buffer.from(" second"))).toBeUndefined();
      await writer.finish();
      expect(readFileSync(file, "utf8")).toBe("first second");
    } finally {
      await handle.close();
    }
  });

  it("reports a failed write from finish and refuses more chunks", async () => {
    const file = join(dir, "data");
    writeFileSync(file, "");
    const handle = await open(file, "r");
    try {
      const writer = createBatchWriter(handle, 0);
      expect(writer.push(Buffer.from("cannot be written"))).toBeUndefined();
      await expect(writer.finish()).rejects.toMatchObject({ code: "EBADF" });
      expect(() => writer.push(Buffer.from("more"))).toThrow();
      await writer.settle();
    } finally {
      await handle.close();
    }
  });
});
