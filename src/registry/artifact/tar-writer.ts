import { createReadStream } from "node:fs";
import { ArtifactError } from "./artifact-error.js";
import type { ArchiveEntry } from "./collect-entries.js";
import { BLOCK, encodeHeader, padding } from "./tar-header.js";

const READ_CHUNK = 1 << 20;

/**
 * The tar of `entries`, in their order: ustar headers (PAX for long names), file content read as it is
 * written, two zero blocks at the end. A file whose size changed since it was listed fails the archive.
 */
export async function* writeTar(entries: readonly ArchiveEntry[]): AsyncGenerator<Buffer> {
  for (const e of entries) {
    if (e.type !== "file") {
      yield encodeHeader({ name: e.name, type: e.type, mode: e.mode, size: 0, ...(e.type === "symlink" ? { linkname: e.linkname } : {}) });
      continue;
    }
    yield encodeHeader({ name: e.name, type: "file", mode: e.mode, size: e.size });
    let read = 0;
    for await (const chunk of createReadStream(e.source, { highWaterMark: READ_CHUNK })) {
      const bytes = chunk as Buffer;
      read += bytes.length;
      if (read > e.size) break;
      yield bytes;
    }
    if (read !== e.size) {
      throw new ArtifactError("CHANGED_WHILE_ARCHIVING", `${e.name} changed while it was archived (${e.size} bytes listed, ${read > e.size ? "more" : read} read)`);
    }
    const pad = padding(e.size);
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}
