/** At most this many bytes of a response body or a command's output are kept. */
export const OUTPUT_LIMIT = 64 * 1024;

/** Collects chunks up to `limit` bytes, dropping the rest; `text()` decodes what was kept. */
export function createLimitedBuffer(limit = OUTPUT_LIMIT): { push(chunk: Uint8Array): void; text(): string; truncated(): boolean; full(): boolean } {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = false;
  return {
    push(chunk) {
      const room = limit - size;
      if (room <= 0) {
        dropped ||= chunk.length > 0;
        return;
      }
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      dropped ||= kept.length < chunk.length;
      chunks.push(Buffer.from(kept));
      size += kept.length;
    },
    // A multi-byte character cut at the limit decodes as U+FFFD; the text stays valid.
    text: () => Buffer.concat(chunks).toString("utf8"),
    truncated: () => dropped,
    full: () => size >= limit,
  };
}
