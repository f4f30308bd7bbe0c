import { randomBytes } from "node:crypto";
import { chmod, link, lstat, mkdir, open, rename, rm, rmdir, symlink } from "node:fs/promises";
import { join, posix, resolve } from "node:path";
import { ExtractError } from "./extract-error.js";
import type { ExtractErrorCode } from "./extract-error.js";
import { resolveInside } from "./resolve-inside.js";
import { TarFormatError } from "./tar-header.js";
import type { TarHeader } from "./tar-header.js";
import { readTar } from "./tar-reader.js";

export type ExtractOptions = {
  /** Most content bytes (the sum of file sizes) accepted; default 8 GiB. */
  maxBytes?: number;
  /** Most entries accepted; default 100,000. */
  maxEntries?: number;
};
export type ExtractResult = { entries: number; files: number; bytes: number };

export const DEFAULT_MAX_BYTES = 8 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;

/** What the extraction created, to remove in reverse order when it fails. */
type Written = { path: string; kind: "file" | "dir" };

const temporaryName = (): string => `.ferry-${randomBytes(6).toString("hex")}.tmp`;

/** The components of an entry name; an absolute name, a `..` or an empty or NUL-bearing name is refused. */
function componentsOf(header: TarHeader): string[] {
  const name = header.name;
  if (name === "" || name.includes("\0")) throw new ExtractError("INVALID_NAME", "the entry has an empty or invalid name", JSON.stringify(name));
  if (name.startsWith("/")) throw new ExtractError("ABSOLUTE_PATH", "absolute paths are refused", name);
  const parts = name.split("/").filter((c) => c !== "" && c !== ".");
  if (parts.includes("..")) throw new ExtractError("PATH_TRAVERSAL", '".." components are refused', name);
  return parts;
}

const parentProblem: Record<"escapes" | "loop" | "not-a-directory", (at: string) => string> = {
  escapes: (at) => `its parent ${at} is a symlink that leads out of the target`,
  loop: (at) => `its parent ${at} has too many levels of symlinks`,
  "not-a-directory": (at) => `${at} is not a directory`,
};

const escapeCode = (reason: "escapes" | "loop" | "not-a-directory", onEscape: ExtractErrorCode): ExtractErrorCode =>
  reason === "not-a-directory" ? "CONFLICT" : onEscape;

/**
 * Extracts a tar stream into `dir` (created when missing), refusing anything that would write outside it:
 * absolute names, `..` components, entries below a symlink that leads out, symlinks and hard links that
 * point out, device files and FIFOs; and enforcing `maxBytes` and `maxEntries`. Each file is written to a
 * temporary name and renamed into place. On any failure — a refused entry, a limit, a stream that fails
 * (a digest mismatch) — everything this call created is removed before the error is thrown.
 *
 * Symlinks are checked again once the whole tree is in place, so one entry cannot make another's link
 * escape. Modes are kept without setuid, setgid and sticky bits; directory modes are applied at the end;
 * owners and times are not restored. The check is not proof against another process changing the tree
 * while the extraction runs.
 */
export async function extractTar(source: AsyncIterable<Uint8Array>, dir: string, o: ExtractOptions = {}): Promise<ExtractResult> {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = o.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const root = resolve(dir);
  const written: Written[] = [];
  /** The topmost directory this call created for `root` itself, removed whole on failure. */
  const createdRoot = await mkdir(root, { recursive: true });
  const dirModes = new Map<string, number>();
  const links: Array<{ name: string; parent: string[]; target: string }> = [];
  let temporary: string | undefined;
  const result: ExtractResult = { entries: 0, files: 0, bytes: 0 };

  /** The physical parent of an entry, creating missing directories; throws when it leads out of `root`. */
  async function parentOf(name: string, parts: readonly string[]): Promise<string[]> {
    const r = await resolveInside(root, parts);
    if (!r.ok) throw new ExtractError(escapeCode(r.reason, "SYMLINK_PARENT"), parentProblem[r.reason](r.at), name);
    if (r.exists) {
      if (!r.isDirectory) throw new ExtractError("CONFLICT", `${parts.join("/")} is not a directory`, name);
      return r.parts;
    }
    for (let i = 1; i <= r.parts.length; i++) {
      const path = join(root, ...r.parts.slice(0, i));
      const s = await lstat(path).catch(() => undefined);
      if (s === undefined) {
        await mkdir(path);
        written.push({ path, kind: "dir" });
      } else if (!s.isDirectory()) {
        throw new ExtractError("CONFLICT", `${r.parts.slice(0, i).join("/")} is not a directory`, name);
      }
    }
    return r.parts;
  }

  /** Moves a finished temporary file or link over `target`, which must not be a directory. */
  async function place(from: string, target: string, name: string): Promise<void> {
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isDirectory() === true) throw new ExtractError("CONFLICT", "a directory is in the way", name);
    await rename(from, target);
    temporary = undefined;
    written.push({ path: target, kind: "file" });
  }

  async function writeFile(header: TarHeader, body: AsyncIterable<Buffer>, parent: string[], base: string): Promise<void> {
    if (result.bytes + header.size > maxBytes) throw new ExtractError("TOO_LARGE", `the content is larger than the limit of ${maxBytes} bytes`, header.name);
    temporary = join(root, ...parent, temporaryName());
    const handle = await open(temporary, "wx", 0o600);
    try {
      for await (const chunk of body) {
        let done = 0;
        while (done < chunk.length) done += (await handle.write(chunk, done, chunk.length - done)).bytesWritten;
      }
      await handle.chmod(header.mode & 0o777);
    } finally {
      await handle.close();
    }
    result.bytes += header.size;
    result.files += 1;
    await place(temporary, join(root, ...parent, base), header.name);
  }

  async function writeSymlink(header: TarHeader, parent: string[], base: string, parts: string[]): Promise<void> {
    const target = header.linkname;
    const lexical = posix.normalize(posix.join(...parts.slice(0, -1), ".", target));
    if (target === "" || target.startsWith("/") || lexical === ".." || lexical.startsWith("../")) {
      throw new ExtractError("SYMLINK_ESCAPE", `the symlink points at "${target}", outside the target`, header.name);
    }
    temporary = join(root, ...parent, temporaryName());
    await symlink(target, temporary);
    await place(temporary, join(root, ...parent, base), header.name);
    links.push({ name: header.name, parent, target });
  }

  async function writeHardlink(header: TarHeader, parent: string[], base: string): Promise<void> {
    const target = header.linkname;
    const targetParts = target.split("/").filter((c) => c !== "" && c !== ".");
    if (target.startsWith("/") || targetParts.includes("..") || targetParts.length === 0) {
      throw new ExtractError("HARDLINK_ESCAPE", `the hard link points at "${target}", outside the target`, header.name);
    }
    const r = await resolveInside(root, targetParts);
    if (!r.ok) throw new ExtractError(escapeCode(r.reason, "HARDLINK_ESCAPE"), `the hard link's target "${header.linkname}" is outside the target`, header.name);
    if (!r.exists || !r.isFile) throw new ExtractError("HARDLINK_ESCAPE", `the hard link's target "${header.linkname}" is ${r.exists ? "not a regular file" : "not extracted before it"}`, header.name);
    temporary = join(root, ...parent, temporaryName());
    await link(join(root, ...r.parts), temporary);
    await place(temporary, join(root, ...parent, base), header.name);
  }

  async function extractEntry(header: TarHeader, body: AsyncIterable<Buffer>): Promise<void> {
    result.entries += 1;
    if (result.entries > maxEntries) throw new ExtractError("TOO_MANY_ENTRIES", `the archive has more than the limit of ${maxEntries} entries`);
    const parts = componentsOf(header);
    if (header.type === "char-device" || header.type === "block-device" || header.type === "fifo") {
      throw new ExtractError("UNSUPPORTED_ENTRY", `${header.type} entries are refused`, header.name);
    }
    if (header.type !== "file" && header.type !== "directory" && header.type !== "symlink" && header.type !== "hardlink") {
      throw new ExtractError("UNSUPPORTED_ENTRY", `entries of type "${header.flag}" are not supported`, header.name);
    }
    if (header.type === "directory") {
      if (parts.length === 0) return;
      const physical = await parentOf(header.name, parts);
      dirModes.set(join(root, ...physical), header.mode & 0o777);
      return;
    }
    const base = parts.at(-1);
    if (base === undefined) throw new ExtractError("INVALID_NAME", "only a directory may name the target itself", header.name);
    const parent = await parentOf(header.name, parts.slice(0, -1));
    if (header.type === "file") return writeFile(header, body, parent, base);
    if (header.type === "symlink") return writeSymlink(header, parent, base, parts);
    return writeHardlink(header, parent, base);
  }

  async function rollback(): Promise<void> {
    if (temporary !== undefined) await rm(temporary, { force: true });
    if (createdRoot !== undefined) {
      await rm(createdRoot, { recursive: true, force: true });
      return;
    }
    for (const w of written.reverse()) {
      if (w.kind === "file") await rm(w.path, { force: true });
      else await rmdir(w.path).catch(() => rm(w.path, { recursive: true, force: true }));
    }
  }

  try {
    for await (const { header, body } of readTar(source)) await extractEntry(header, body);
    for (const l of links) {
      const r = await resolveInside(root, [...l.parent, ...l.target.split("/")]);
      // A loop or a path through a file fails to resolve, which is harmless; only a way out is refused.
      if (!r.ok && r.reason === "escapes") throw new ExtractError("SYMLINK_ESCAPE", `the symlink to "${l.target}" leads out of the target through other links`, l.name);
    }
    const deepestFirst = [...dirModes].sort((a, b) => b[0].length - a[0].length);
    for (const [path, mode] of deepestFirst) await chmod(path, mode);
    return result;
  } catch (error: unknown) {
    await rollback().catch(() => undefined);
    if (error instanceof TarFormatError) throw new ExtractError("CORRUPT_ARCHIVE", error.message, undefined, { cause: error });
    if (error instanceof ExtractError) throw error;
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) throw new ExtractError("WRITE_FAILED", `cannot write into ${root}: ${(error as Error).message}`, undefined, { cause: error });
    throw error;
  }
}
