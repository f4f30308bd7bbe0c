import { createHash } from "node:crypto";
import { setImmediate } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { RegistryClientError } from "./registry-client-error.js";
import { verifyBlob } from "./verify-blob.js";

const digestOf = (data: Buffer): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;
const chunks = ["first ", "second ", "third"].map((s) => Buffer.from(s));
const whole = Buffer.concat(chunks);

/** The parts as they would arrive from a socket, one per turn of the event loop; failing at `failAfter`. */
async function* source(parts: Buffer[], failAfter?: number): AsyncGenerator<Buffer> {
  for (const [i, p] of parts.entries()) {
    await setImmediate();
    if (i === failAfter) throw new Error("socket hang up");
    yield p;
  }
}

/** What a reader received before the stream ended or failed, and how it failed. */
async function read(stream: AsyncIterable<unknown>): Promise<{ got: string; error?: RegistryClientError }> {
  let got = "";
  try {
    for await (const c of stream) got += (c as Buffer).toString();
    return { got };
  } catch (error: unknown) {
    return { got, error: error as RegistryClientError };
  }
}

describe("verifyBlob", () => {
  it("passes content that matches its digest and size", async () => {
    expect(await read(verifyBlob(source(chunks), { digest: digestOf(whole), size: whole.length, what: "blob" }))).toEqual({ got: whole.toString() });
  });

  it.each([
    ["another digest", { digest: digestOf(Buffer.from("other")) }, "DIGEST_MISMATCH"],
    ["a smaller size", { digest: digestOf(whole), size: whole.length - 1 }, "SIZE_MISMATCH"],
    ["a larger size", { digest: digestOf(whole), size: whole.length + 1 }, "SIZE_MISMATCH"],
  ])("fails content with %s and never delivers its last chunk", async (_case, opts, code) => {
    const r = await read(verifyBlob(source(chunks), { ...opts, what: "blob x" }));

    expect(r.error).toBeInstanceOf(RegistryClientError);
    expect(r.error?.code).toBe(code);
    expect(r.got.length).toBeLessThan(whole.length);
  });

  it("raises a failure of the source only once it is read, so it can be handed on later", async () => {
    const stream = verifyBlob(source(chunks, 0), { digest: digestOf(whole), what: "blob z" });
    for (let i = 0; i < 5; i++) await setImmediate();

    const r = await read(stream);

    expect(r.error?.code).toBe("INTERRUPTED");
    expect(r.got).toBe("");
  });

  it("turns a source that stops part-way into INTERRUPTED", async () => {
    const r = await read(verifyBlob(source(chunks, 2), { digest: digestOf(whole), what: "blob y" }));

    expect(r.error?.code).toBe("INTERRUPTED");
    expect(r.error?.message).toMatch(/blob y: the download stopped after 13 bytes \(socket hang up\)/);
  });
});
