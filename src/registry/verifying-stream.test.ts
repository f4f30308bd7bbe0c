import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { BlobCorruptError, createVerifyingStream, VERIFY_HOLD_BYTES } from "./verifying-stream.js";

const digestOf = (data: Buffer): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** What a reader got through the verifying stream before it ended or failed. */
async function readThrough(chunks: Buffer[], digest: string): Promise<{ got: Buffer; error?: unknown }> {
  const got: Buffer[] = [];
  const verifier = createVerifyingStream(digest);
  verifier.on("data", (c: Buffer) => got.push(c));
  try {
    await pipeline(Readable.from(chunks), verifier);
    return { got: Buffer.concat(got) };
  } catch (error: unknown) {
    return { got: Buffer.concat(got), error };
  }
}

describe("createVerifyingStream", () => {
  it("passes content that matches, whatever the chunk sizes", async () => {
    const data = randomBytes(3 << 20);
    const chunks = [data.subarray(0, 1 << 20), data.subarray(1 << 20, (1 << 20) + 10), data.subarray((1 << 20) + 10)];
    const r = await readThrough(chunks, digestOf(data));
    expect(r.error).toBeUndefined();
    expect(r.got.equals(data)).toBe(true);
  });

  it("fails a corrupt large chunk without handing out its last bytes", async () => {
    const data = randomBytes(1 << 20);
    const stored = Buffer.from(data);
    stored[100] = (stored[100] ?? 0) ^ 1;
    const r = await readThrough([stored], digestOf(data));
    expect(r.error).toBeInstanceOf(BlobCorruptError);
    expect(r.got.length).toBe(data.length - VERIFY_HOLD_BYTES);
  });

  it("hands out nothing of corrupt content smaller than what it holds back", async () => {
    const r = await readThrough([Buffer.from("tiny but wrong")], digestOf(Buffer.from("tiny")));
    expect(r.error).toBeInstanceOf(BlobCorruptError);
    expect(r.got.length).toBe(0);
  });
});
