import type { FileHandle } from "node:fs/promises";

/** The most bytes held while a write is under way; a producer past it waits for the disk. */
const DEFAULT_MAX_PENDING = 8 << 20;

export type BatchWriter = {
  /**
   * Queues a chunk to be written after the ones before it. Returns a promise when the caller should wait
   * before queueing more (too many bytes pending), else undefined; a failed write surfaces here or in `finish`.
   */
  push(chunk: Uint8Array): Promise<void> | undefined;
  /** Waits until everything queued is written; throws the first write failure. */
  finish(): Promise<void>;
  /** Waits until no write is under way, ignoring failures: before truncating after an error. */
  settle(): Promise<void>;
};

/** Writes `buffers` at `position` with as few system calls as the kernel allows, resuming short writes. */
async function writeAll(handle: FileHandle, buffers: Uint8Array[], position: number): Promise<void> {
  let rest = buffers;
  let at = position;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest, at);
    at += bytesWritten;
    let skip = bytesWritten;
    const left: Uint8Array[] = [];
    for (const b of rest) {
      if (skip >= b.length) skip -= b.length;
      else {
        left.push(skip === 0 ? b : b.subarray(skip));
        skip = 0;
      }
    }
    rest = left;
  }
}

/**
 * Writes a stream of chunks to a file from `position`, overlapping the writes with receiving: while one
 * write is under way, the chunks that arrive meanwhile are gathered and go out together in the next
 * (one `writev`), so a fast sender gets large writes and a slow one sees each chunk on disk at once.
 */
export function createBatchWriter(handle: FileHandle, position: number, maxPending = DEFAULT_MAX_PENDING): BatchWriter {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let at = position;
  let running: Promise<void> | undefined;
  let failure: { error: unknown } | undefined;

  async function drain(): Promise<void> {
    try {
      while (pending.length > 0 && failure === undefined) {
        const batch = pending;
        const bytes = pendingBytes;
        pending = [];
        pendingBytes = 0;
        await writeAll(handle, batch, at);
        at += bytes;
      }
    } catch (error: unknown) {
      failure = { error };
    } finally {
      running = undefined;
    }
  }

  const check = (): void => {
    if (failure !== undefined) throw failure.error;
  };

  return {
    push(chunk) {
      check();
      if (chunk.length === 0) return undefined;
      pending.push(chunk);
      pendingBytes += chunk.length;
      running ??= drain();
      return pendingBytes >= maxPending ? running.then(check) : undefined;
    },
    async finish() {
      while (running !== undefined) await running;
      check();
    },
    async settle() {
      while (running !== undefined) await running;
    },
  };
}
