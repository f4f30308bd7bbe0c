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

/** How many bytes at the end a verifying stream holds back until the digest is checked. */
export const VERIFY_HOLD_BYTES = 64 << 10;

/**
 * A pass-through that hashes what flows through it and always holds back the last `VERIFY_HOLD_BYTES` it
 * has seen, so chunks of any size pass at once without copying. At the end it compares the digest: on a
 * match the held bytes go out and `onVerified` runs; on a mismatch the stream fails instead, so a reader
 * never receives the complete (corrupt) content, and content no larger than the hold never starts.
 */
export function createVerifyingStream(digest: string, onVerified: () => void = () => undefined, highWaterMark = 1 << 20): Transform {
  const hash = createHash("sha256");
  const held: Buffer[] = [];
  let heldBytes = 0;
  return new Transform({
    highWaterMark,
    transform(this: Transform, chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      hash.update(chunk);
      held.push(chunk);
      heldBytes += chunk.length;
      while (heldBytes > VERIFY_HOLD_BYTES) {
        const first = held[0] as Buffer;
        const excess = heldBytes - VERIFY_HOLD_BYTES;
        if (first.length <= excess) {
          held.shift();
          heldBytes -= first.length;
          this.push(first);
        } else {
          held[0] = first.subarray(excess);
          heldBytes -= excess;
          this.push(first.subarray(0, excess));
        }
      }
      callback();
    },
    flush(this: Transform, callback: TransformCallback) {
      const actual = `sha256:${hash.digest("hex")}`;
      if (actual !== digest) {
        callback(new BlobCorruptError(digest, actual));
        return;
      }
      onVerified();
      for (const chunk of held.splice(0)) this.push(chunk);
      callback();
    },
  });
}
