import { createByteReader } from "./byte-reader.js";
import type { ByteReader } from "./byte-reader.js";
import { BLOCK, decodeHeader, isZeroBlock, padding, parsePax, TarFormatError } from "./tar-header.js";
import type { TarHeader } from "./tar-header.js";

/** PAX headers and GNU long names are read into memory; past these sizes the archive is refused. */
const MAX_PAX_BYTES = 1 << 20;
const MAX_LONG_NAME_BYTES = 64 << 10;

/** One entry: its header (PAX and GNU long names applied) and its content, to read before the next entry. */
export type TarItem = { header: TarHeader; body: AsyncIterable<Buffer> };

const truncated = (where: string): TarFormatError => new TarFormatError(`the archive ends inside ${where}`);

/**
 * The entries of a tar stream (ustar, PAX, GNU long names). Content an entry's reader leaves unread is
 * skipped. After the end-of-archive blocks the rest of the stream is read and discarded, so whatever checks
 * the stream as it flows (a digest) sees all of it.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<TarItem> {
  const reader = createByteReader(source);
  try {
    yield* entries(reader);
    await reader.drain();
  } finally {
    await reader.close();
  }
}

async function* entries(reader: ByteReader): AsyncGenerator<TarItem> {
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block.length === 0) return;
    if (block.length < BLOCK) throw truncated("a header");
    if (isZeroBlock(block)) return;
    const raw = decodeHeader(block);
    const extended = raw.type === "pax" || raw.type === "pax-global" || raw.type === "gnu-long-name" || raw.type === "gnu-long-link";
    if (extended) {
      const limit = raw.type === "pax" || raw.type === "pax-global" ? MAX_PAX_BYTES : MAX_LONG_NAME_BYTES;
      if (raw.size > limit) throw new TarFormatError(`an extended header of ${raw.size} bytes is larger than the ${limit} allowed`);
      const data = await reader.read(raw.size + padding(raw.size));
      if (data.length < raw.size + padding(raw.size)) throw truncated("an extended header");
      const content = data.subarray(0, raw.size);
      if (raw.type === "pax") pax = { ...pax, ...parsePax(content) };
      else if (raw.type === "gnu-long-name") longName = content.toString("utf8").replace(/\0+$/, "");
      else if (raw.type === "gnu-long-link") longLink = content.toString("utf8").replace(/\0+$/, "");
      else parsePax(content);
      continue;
    }
    let size = raw.size;
    if (pax.size !== undefined) {
      if (!/^\d+$/.test(pax.size) || !Number.isSafeInteger(Number(pax.size))) throw new TarFormatError(`PAX size "${pax.size}" is not a number`);
      size = Number(pax.size);
    }
    // Links carry no content whatever their size field says.
    if (raw.type === "symlink" || raw.type === "hardlink") size = 0;
    const header: TarHeader = { ...raw, name: pax.path ?? longName ?? raw.name, linkname: pax.linkpath ?? longLink ?? raw.linkname, size };
    pax = {};
    longName = undefined;
    longLink = undefined;

    let consumed = 0;
    const body = (async function* () {
      for await (const chunk of reader.chunks(size - consumed)) {
        consumed += chunk.length;
        yield chunk;
      }
      if (consumed < size) throw truncated(header.name);
    })();
    yield { header, body };
    for await (const chunk of reader.chunks(size - consumed)) consumed += chunk.length;
    if (consumed < size) throw truncated(header.name);
    const pad = padding(size);
    if ((await reader.read(pad)).length < pad) throw truncated(header.name);
  }
}
