import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";

/** Raised when stored bytes no longer hash to their digest: the blob is corrupt. */
export class BlobCorruptError extends Error {
  constructor(readonly digest: string, readonly actual: string) {
    super(`stored content of ${digest} hashes to ${actual}`);
    this.name = "BlobCorruptError";
  }
}

/**
 * A pass-through that hashes what flows through it and always holds back the latest chunk. At the end it
 * compares the digest: on a match the held chunk goes out and `onVerified` runs; on a mismatch the stream
 * fails instead, so a reader never receives the complete (corrupt) content.
 */
export function createVerifyingStream(digest: string, onVerified: () => void = () => undefined): Transform {
  const hash = createHash("sha256");
  let held: Buffer | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      callback(null, previous);
    },
    flush(callback: TransformCallback) {
      const actual = `sha256:${hash.digest("hex")}`;
      if (actual !== digest) {
        callback(new BlobCorruptError(digest, actual));
        return;
      }
      onVerified();
      callback(null, held);
    },
  });
}
