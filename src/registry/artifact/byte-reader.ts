/** Reads exact byte counts from a stream of chunks of any size. */
export type ByteReader = {
  /** Exactly `n` bytes; fewer only at the end of the stream (an empty buffer when it had ended). */
  read(n: number): Promise<Buffer>;
  /** The next `n` bytes as chunks, without copying them into one buffer; stops early at the end of the stream. */
  chunks(n: number): AsyncGenerator<Buffer>;
  /** Reads to the end of the stream, discarding; returns how many bytes that was. */
  drain(): Promise<number>;
  /** Lets go of the source early (a refused archive): its iterator is returned, which ends a stream. */
  close(): Promise<void>;
};

export function createByteReader(source: AsyncIterable<Uint8Array>): ByteReader {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;

  async function fill(): Promise<boolean> {
    if (ended) return false;
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      return false;
    }
    const chunk = next.value;
    pending = pending.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([pending, chunk]);
    return true;
  }

  async function* chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (pending.length === 0 && !(await fill())) return;
      const take = Math.min(left, pending.length);
      const out = pending.subarray(0, take);
      pending = pending.subarray(take);
      left -= take;
      yield out;
    }
  }

  return {
    async read(n) {
      while (pending.length < n && (await fill()));
      const out = pending.subarray(0, Math.min(n, pending.length));
      pending = pending.subarray(out.length);
      return out;
    },
    chunks,
    async drain() {
      let total = pending.length;
      pending = Buffer.alloc(0);
      while (await fill()) {
        total += pending.length;
        pending = Buffer.alloc(0);
      }
      return total;
    },
    async close() {
      if (ended) return;
      ended = true;
      await iterator.return?.();
    },
  };
}
