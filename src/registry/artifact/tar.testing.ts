import { Readable } from "node:stream";

/**
 * Hand-built tar archives for tests, written here without the production writer so that malicious
 * archives (names, types, sizes the writer never produces) can be made and the reader is checked against
 * an independent encoder.
 */
export type RawEntry = {
  name: string;
  /** The type flag: "0" file, "1" hard link, "2" symlink, "3" char device, "4" block device, "5" directory, "6" FIFO, "x" PAX. */
  flag?: string;
  mode?: number;
  linkname?: string;
  content?: string | Buffer;
  /** The size field, when it should lie about the content. */
  size?: number;
  /** Corrupts the header's checksum. */
  badChecksum?: boolean;
};

function field(block: Buffer, offset: number, length: number, value: string): void {
  Buffer.from(value, "utf8").copy(block, offset, 0, length);
}

const octal = (value: number, length: number): string => `${value.toString(8).padStart(length - 1, "0")}\0`;

export function rawHeader(e: RawEntry): Buffer {
  const content = typeof e.content === "string" ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0));
  const block = Buffer.alloc(512);
  field(block, 0, 100, e.name);
  field(block, 100, 8, octal(e.mode ?? 0o644, 8));
  field(block, 108, 8, octal(0, 8));
  field(block, 116, 8, octal(0, 8));
  field(block, 124, 12, octal(e.size ?? content.length, 12));
  field(block, 136, 12, octal(0, 12));
  block[156] = (e.flag ?? "0").charCodeAt(0);
  field(block, 157, 100, e.linkname ?? "");
  field(block, 257, 6, "ustar\0");
  field(block, 263, 2, "00");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  field(block, 148, 8, `${(sum + (e.badChecksum === true ? 1 : 0)).toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** One entry: header, content, padding. */
export function rawEntry(e: RawEntry): Buffer {
  const content = typeof e.content === "string" ? Buffer.from(e.content) : (e.content ?? Buffer.alloc(0));
  return Buffer.concat([rawHeader(e), content, Buffer.alloc((512 - (content.length % 512)) % 512)]);
}

/** A PAX extended header setting `records` for the entry after it. */
export function paxEntry(records: Record<string, string>): Buffer {
  const text = Object.entries(records).map(([k, v]) => {
    const body = ` ${k}=${v}\n`;
    let n = Buffer.byteLength(body);
    while (String(n).length + Buffer.byteLength(body) !== n) n = String(n).length + Buffer.byteLength(body);
    return `${n}${body}`;
  }).join("");
  return rawEntry({ name: "PaxHeader", flag: "x", content: text });
}

/** A whole archive: the entries and the two zero blocks that end it. */
export const rawTar = (...entries: Array<RawEntry | Buffer>): Buffer =>
  Buffer.concat([...entries.map((e) => (Buffer.isBuffer(e) ? e : rawEntry(e))), Buffer.alloc(1024)]);

function* pieces(data: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** The archive as a stream of small chunks, as it would come off the network. */
export const chunked = (data: Buffer, size = 700): Readable => Readable.from(pieces(data, size));
