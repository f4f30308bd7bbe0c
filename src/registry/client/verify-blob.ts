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

async function* verified(source: AsyncIterable<Uint8Array>, o: VerifyOptions): AsyncGenerator<Buffer> {
  const hash = createHash("sha256");
  let size = 0;
  let held: Buffer | undefined;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (o.size !== undefined && size > o.size) {
        throw new RegistryClientError("SIZE_MISMATCH", `${o.what}: more than the expected ${o.size} bytes`);
      }
      hash.update(chunk);
      if (held !== undefined) yield held;
      held = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  } catch (error: unknown) {
    if (error instanceof RegistryClientError) throw error;
    throw new RegistryClientError("INTERRUPTED", `${o.what}: the download stopped after ${size} bytes${o.size === undefined ? "" : ` of ${o.size}`} (${error instanceof Error ? error.message : String(error)}); the registry may have found its stored copy corrupt`, { cause: error });
  }
  if (o.size !== undefined && size !== o.size) {
    throw new RegistryClientError("SIZE_MISMATCH", `${o.what}: ${size} bytes received, ${o.size} expected`);
  }
  const actual = `sha256:${hash.digest("hex")}`;
  if (actual !== o.digest) {
    throw new RegistryClientError("DIGEST_MISMATCH", `${o.what}: the content hashes to ${actual}, not ${o.digest}`);
  }
  if (held !== undefined) yield held;
}

/**
 * A stream of `source` that hashes what passes and holds back the latest chunk until the end: when the
 * content does not hash to `digest` (or has the wrong size) the stream fails instead, so a reader never sees
 * the complete wrong content. A source that fails part-way becomes an INTERRUPTED error.
 */
export function verifyBlob(source: AsyncIterable<Uint8Array>, o: VerifyOptions): Readable {
  return Readable.from(verified(source, o), { objectMode: false });
}
