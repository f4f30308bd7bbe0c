import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { RegistryClientError } from "./registry-client-error.js";

export type VerifyOptions = {
  digest: string;
  /** The size the content must have, when known (a descriptor's or the Content-Length). */
  size?: number | undefined;
  /** What is being read, for messages: "blob sha256:… of app". */
  what: string;
};

/**
 * A stream of `source` that hashes what passes and holds back the latest chunk until the end: when the
 * content does not hash to `digest` (or has the wrong size) the stream fails instead, so a reader never sees
 * the complete wrong content. A source that fails or closes part-way becomes an INTERRUPTED error; a reader
 * that stops early closes the source. Nothing is read from the source (and no failure is raised) before the
 * stream itself is read, so a caller may hand it on later. A `Readable` source (an HTTP response) is used as
 * it is, with no per-chunk promise in between.
 */
export function verifyBlob(source: AsyncIterable<Uint8Array>, o: VerifyOptions): Readable {
  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  const hash = createHash("sha256");
  let size = 0;
  let held: Buffer | undefined;
  let reading = false;
  let failure: Error | undefined;

  const interrupted = (error: unknown): RegistryClientError => new RegistryClientError(
    "INTERRUPTED",
    `${o.what}: the download stopped after ${size} bytes${o.size === undefined ? "" : ` of ${o.size}`} (${error instanceof Error ? error.message : String(error)}); the registry may have found its stored copy corrupt`,
    { cause: error },
  );

  const output = new Readable({
    highWaterMark: 1 << 20,
    read() {
      reading = true;
      if (failure !== undefined) this.destroy(failure);
      else input.resume();
    },
    destroy(error, callback) {
      if (!input.readableEnded) input.destroy();
      callback(error);
    },
  });

  /** Fails the output now if it is being read, else when it first is. */
  const fail = (error: Error): void => {
    failure ??= error;
    if (reading) output.destroy(failure);
  };

  input.pause();
  input.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (o.size !== undefined && size > o.size) {
      fail(new RegistryClientError("SIZE_MISMATCH", `${o.what}: more than the expected ${o.size} bytes`));
      return;
    }
    hash.update(chunk);
    const previous = held;
    held = chunk;
    if (previous !== undefined && !output.push(previous)) input.pause();
  });
  input.on("end", () => {
    if (failure !== undefined) return;
    if (o.size !== undefined && size !== o.size) {
      fail(new RegistryClientError("SIZE_MISMATCH", `${o.what}: ${size} bytes received, ${o.size} expected`));
      return;
    }
    const actual = `sha256:${hash.digest("hex")}`;
    if (actual !== o.digest) {
      fail(new RegistryClientError("DIGEST_MISMATCH", `${o.what}: the content hashes to ${actual}, not ${o.digest}`));
      return;
    }
    if (held !== undefined) output.push(held);
    output.push(null);
  });
  input.on("error", (error: unknown) => fail(error instanceof RegistryClientError ? error : interrupted(error)));
  input.on("close", () => {
    if (!input.readableEnded) fail(interrupted(new Error("the connection closed")));
  });
  return output;
}
