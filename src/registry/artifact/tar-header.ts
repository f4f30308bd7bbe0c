/**
 * ustar headers (POSIX.1-1988) and PAX extended records (POSIX.1-2001): what Ferry writes and reads.
 * Offsets: name 0/100, mode 100/8, uid 108/8, gid 116/8, size 124/12, mtime 136/12, chksum 148/8,
 * typeflag 156/1, linkname 157/100, magic 257/6, version 263/2, uname 265/32, gname 297/32,
 * devmajor 329/8, devminor 337/8, prefix 345/155.
 */
export const BLOCK = 512;

export const entryTypes = ["file", "directory", "symlink", "hardlink", "char-device", "block-device", "fifo", "pax", "pax-global", "gnu-long-name", "gnu-long-link", "other"] as const;
export type EntryType = (typeof entryTypes)[number];

const typeOfFlag: Record<string, EntryType> = {
  "0": "file", "\0": "file", "7": "file", "5": "directory", "2": "symlink", "1": "hardlink",
  "3": "char-device", "4": "block-device", "6": "fifo", x: "pax", g: "pax-global", L: "gnu-long-name", K: "gnu-long-link",
};
const flagOfType: Partial<Record<EntryType, string>> = { file: "0", directory: "5", symlink: "2", hardlink: "1", pax: "x" };

export type TarHeader = {
  name: string;
  type: EntryType;
  /** The raw type flag, for messages about types Ferry does not handle. */
  flag: string;
  mode: number;
  size: number;
  linkname: string;
};

/** A header block could not be read: a bad checksum, a number that is not one. */
export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TarFormatError";
  }
}

function readString(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString("utf8");
}

/** An octal field, or a base-256 one (high bit set, as GNU tar writes sizes of 8 GiB and more). */
function readNumber(block: Buffer, offset: number, length: number, field: string): number {
  const first = block[offset] ?? 0;
  if ((first & 0x80) !== 0) {
    if ((first & 0x40) !== 0) throw new TarFormatError(`negative ${field}`);
    let value = first & 0x3f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[offset + i] ?? 0);
    if (!Number.isSafeInteger(value)) throw new TarFormatError(`${field} is too large`);
    return value;
  }
  const text = block.subarray(offset, offset + length).toString("latin1").replace(/[\0 ]+$/, "").replace(/^ +/, "");
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`${field} "${text}" is not an octal number`);
  return parseInt(text, 8);
}

function checksumOf(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum;
}

export const isZeroBlock = (block: Buffer): boolean => block.every((b) => b === 0);

/** Parses one header block (not a zero block); the checksum must match. */
export function decodeHeader(block: Buffer): TarHeader {
  const stored = readNumber(block, 148, 8, "checksum");
  if (stored !== checksumOf(block)) {
    // Some old writers summed signed bytes.
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) signed += i >= 148 && i < 156 ? 0x20 : ((block[i] ?? 0) << 24) >> 24;
    if (stored !== signed) throw new TarFormatError("a header's checksum does not match: the archive is corrupt or not a tar");
  }
  const flag = String.fromCharCode(block[156] ?? 0);
  const ustar = block.subarray(257, 262).toString("latin1") === "ustar";
  const prefix = ustar ? readString(block, 345, 155) : "";
  const name = readString(block, 0, 100);
  return {
    name: prefix === "" ? name : `${prefix}/${name}`,
    type: typeOfFlag[flag] ?? "other",
    flag,
    mode: readNumber(block, 100, 8, "mode"),
    size: readNumber(block, 124, 12, "size"),
    linkname: readString(block, 157, 100),
  };
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  block.write(value, offset, length, "utf8");
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, "0")}\0`, offset, length, "latin1");
}

const MAX_OCTAL_SIZE = 0o77777777777;

/** One PAX record: "<length> <key>=<value>\n", where the length counts itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

/** Parses the records of a PAX extended header; malformed records are an error. */
export function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break;
    const space = data.indexOf(0x20, at);
    const length = space === -1 ? NaN : Number(data.subarray(at, space).toString("latin1"));
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length || data[at + length - 1] !== 0x0a) throw new TarFormatError("a PAX record is malformed");
    const record = data.subarray(space + 1, at + length - 1).toString("utf8");
    const eq = record.indexOf("=");
    if (eq <= 0) throw new TarFormatError("a PAX record has no key");
    out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

export type HeaderInput = { name: string; type: "file" | "directory" | "symlink" | "hardlink"; mode: number; size: number; linkname?: string };

function ustarBlock(h: { name: string; flag: string; mode: number; size: number; linkname: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  writeString(block, 0, 100, h.name);
  writeOctal(block, 100, 8, h.mode);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  if (h.size <= MAX_OCTAL_SIZE) writeOctal(block, 124, 12, h.size);
  else {
    block[124] = 0x80;
    let v = h.size;
    for (let i = 135; i > 124; i--) {
      block[i] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  writeOctal(block, 136, 12, 0);
  block[156] = h.flag.charCodeAt(0);
  writeString(block, 157, 100, h.linkname);
  block.write("ustar\0", 257, 6, "latin1");
  block.write("00", 263, 2, "latin1");
  writeOctal(block, 148, 7, checksumOf(block));
  block[155] = 0x20;
  return block;
}

/** Zero bytes after `size` bytes of content, up to the next block. */
export const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;

/**
 * The header blocks of one entry: a PAX header first when the name or link target is longer than the ustar
 * fields allow or not ASCII, or the size needs more than 11 octal digits. uid, gid and mtime are 0 and user
 * and group names empty, so the same tree always gives the same bytes.
 */
export function encodeHeader(h: HeaderInput): Buffer {
  const name = h.type === "directory" && !h.name.endsWith("/") ? `${h.name}/` : h.name;
  const linkname = h.linkname ?? "";
  const fits = (s: string): boolean => Buffer.byteLength(s) <= 100 && /^[\x20-\x7e]*$/.test(s);
  const records = [
    ...(fits(name) ? [] : [paxRecord("path", name)]),
    ...(fits(linkname) ? [] : [paxRecord("linkpath", linkname)]),
    ...(h.size <= MAX_OCTAL_SIZE ? [] : [paxRecord("size", String(h.size))]),
  ].join("");
  const main = ustarBlock({ name: fits(name) ? name : name.replace(/[^\x20-\x7e]/g, "_").slice(-100), flag: flagOfType[h.type] ?? "0", mode: h.mode, size: h.size, linkname: fits(linkname) ? linkname : "" });
  if (records === "") return main;
  const data = Buffer.from(records, "utf8");
  const paxHeader = ustarBlock({ name: "PaxHeader", flag: "x", mode: 0o644, size: data.length, linkname: "" });
  return Buffer.concat([paxHeader, data, Buffer.alloc(padding(data.length)), main]);
}

