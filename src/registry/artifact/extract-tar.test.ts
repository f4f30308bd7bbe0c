import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ExtractError } from "./extract-error.js";
import { extractTar } from "./extract-tar.js";
import type { ExtractOptions } from "./extract-tar.js";
import { chunked, paxEntry, rawTar } from "./tar.testing.js";

let sandbox: string;
/** The extraction target, inside the sandbox; anything written outside it lands in the sandbox. */
let target: string;

beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), "ferry-extract-"));
  target = join(sandbox, "target");
});
afterEach(() => {
  rmSync(sandbox, { recursive: true, force: true });
});

async function refused(archive: Buffer, opts: ExtractOptions = {}): Promise<ExtractError> {
  const error = await extractTar(chunked(archive), target, opts).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ExtractError);
  return error as ExtractError;
}

/** Everything in the sandbox except the target: what an escaping entry would have created. */
const outside = (): string[] => readdirSync(sandbox).filter((n) => n !== "target" && n !== "outside");

describe("extractTar", () => {
  it("extracts files, directories, symlinks and hard links with their modes", async () => {
    const archive = rawTar(
      { name: "bin/", flag: "5", mode: 0o755 },
      { name: "bin/run", content: "#!/bin/sh\necho hi\n", mode: 0o755 },
      { name: "docs/readme.txt", content: "hello", mode: 0o640 },
      { name: "docs/latest", flag: "2", linkname: "readme.txt" },
      { name: "docs/copy", flag: "1", linkname: "docs/readme.txt" },
      { name: "ro/", flag: "5", mode: 0o555 },
      { name: "ro/file", content: "inside a read-only directory" },
    );

    const result = await extractTar(chunked(archive), target);

    expect(result).toEqual({ entries: 7, files: 3, bytes: 18 + 5 + 28 });
    expect(readFileSync(join(target, "bin/run"), "utf8")).toBe("#!/bin/sh\necho hi\n");
    expect(lstatSync(join(target, "bin/run")).mode & 0o777).toBe(0o755);
    expect(lstatSync(join(target, "docs/readme.txt")).mode & 0o777).toBe(0o640);
    expect(readlinkSync(join(target, "docs/latest"))).toBe("readme.txt");
    expect(lstatSync(join(target, "docs/copy")).ino).toBe(lstatSync(join(target, "docs/readme.txt")).ino);
    expect(lstatSync(join(target, "ro")).mode & 0o777).toBe(0o555);
    expect(readdirSync(target).sort()).toEqual(["bin", "docs", "ro"]);
  });

  it("reads PAX long names and link targets", async () => {
    const long = `${"d".repeat(120)}/${"f".repeat(120)}`;
    const archive = rawTar(paxEntry({ path: long }), { name: "truncated", content: "long" }, paxEntry({ linkpath: long }), { name: "link", flag: "2", linkname: "x" });

    await extractTar(chunked(archive), target);

    expect(readFileSync(join(target, long), "utf8")).toBe("long");
    expect(readlinkSync(join(target, "link"))).toBe(long);
  });

  it("allows symlinks that stay inside, even through other links, and harmless loops", async () => {
    const archive = rawTar(
      { name: "a/b/", flag: "5", mode: 0o755 },
      { name: "a/b/up", flag: "2", linkname: "../.." },
      { name: "a/b/up/top.txt", content: "through a link that stays inside" },
      { name: "loop1", flag: "2", linkname: "loop2" },
      { name: "loop2", flag: "2", linkname: "loop1" },
    );

    await extractTar(chunked(archive), target);

    expect(readFileSync(join(target, "top.txt"), "utf8")).toBe("through a link that stays inside");
  });

  // Each archive tries to get out of the target or past a limit; each is refused and leaves nothing behind.
  it.each([
    ["an absolute path", rawTar({ name: "/tmp/ferry-evil", content: "x" }), "ABSOLUTE_PATH"],
    ["a .. component", rawTar({ name: "../evil", content: "x" }), "PATH_TRAVERSAL"],
    ["a .. in the middle", rawTar({ name: "ok/", flag: "5" }, { name: "ok/../../evil", content: "x" }), "PATH_TRAVERSAL"],
    ["a .. in a PAX path", rawTar(paxEntry({ path: "a/../../evil" }), { name: "innocent", content: "x" }), "PATH_TRAVERSAL"],
    ["a symlink out", rawTar({ name: "link", flag: "2", linkname: "../outside" }), "SYMLINK_ESCAPE"],
    ["an absolute symlink", rawTar({ name: "link", flag: "2", linkname: "/etc/passwd" }), "SYMLINK_ESCAPE"],
    ["a deep symlink out", rawTar({ name: "a/b/", flag: "5" }, { name: "a/b/link", flag: "2", linkname: "../../../outside" }), "SYMLINK_ESCAPE"],
    // Each link looks inside on its own; followed, sub/up is the root and esc is the root's parent.
    ["a symlink out through another link", rawTar(
      { name: "sub/", flag: "5" }, { name: "sub/up", flag: "2", linkname: ".." }, { name: "esc", flag: "2", linkname: "sub/up/.." },
    ), "SYMLINK_ESCAPE"],
    ["a file below a symlink that leads out", rawTar(
      { name: "sub/", flag: "5" }, { name: "sub/up", flag: "2", linkname: ".." }, { name: "esc", flag: "2", linkname: "sub/up/.." },
      { name: "esc/evil.txt", content: "x" },
    ), "SYMLINK_PARENT"],
    ["a hard link out", rawTar({ name: "hl", flag: "1", linkname: "../outside/secret" }), "HARDLINK_ESCAPE"],
    ["an absolute hard link", rawTar({ name: "hl", flag: "1", linkname: "/etc/passwd" }), "HARDLINK_ESCAPE"],
    ["a hard link through a symlink out", rawTar(
      { name: "sub/", flag: "5" }, { name: "sub/up", flag: "2", linkname: ".." }, { name: "esc", flag: "2", linkname: "sub/up/.." },
      { name: "hl", flag: "1", linkname: "esc/outside/secret" },
    ), "HARDLINK_ESCAPE"],
    ["a hard link to a directory", rawTar({ name: "d/", flag: "5" }, { name: "hl", flag: "1", linkname: "d" }), "HARDLINK_ESCAPE"],
    ["a character device", rawTar({ name: "ok.txt", content: "x" }, { name: "null", flag: "3" }), "UNSUPPORTED_ENTRY"],
    ["a block device", rawTar({ name: "sda", flag: "4" }), "UNSUPPORTED_ENTRY"],
    ["a FIFO", rawTar({ name: "pipe", flag: "6" }), "UNSUPPORTED_ENTRY"],
    ["a GNU sparse file", rawTar({ name: "sparse", flag: "S" }), "UNSUPPORTED_ENTRY"],
    ["a bad checksum", rawTar({ name: "a", content: "x", badChecksum: true }), "CORRUPT_ARCHIVE"],
    ["a size larger than the archive", rawTar({ name: "ok.txt", content: "x" }, { name: "a", size: 1_000_000 }).subarray(0, 2048), "CORRUPT_ARCHIVE"],
    ["a file where a directory must be", rawTar({ name: "f", content: "x" }, { name: "f/g", content: "y" }), "CONFLICT"],
  ])("refuses %s", async (_case, archive, code) => {
    mkdirSync(join(sandbox, "outside"));
    writeFileSync(join(sandbox, "outside", "secret"), "secret");

    const error = await refused(archive);

    expect(error.code).toBe(code);
    expect(existsSync(target)).toBe(false);
    expect(outside()).toEqual([]);
    expect(readdirSync(join(sandbox, "outside"))).toEqual(["secret"]);
  });

  it("refuses a file below a symlink already in the target that leads out", async () => {
    mkdirSync(join(sandbox, "outside"));
    mkdirSync(target);
    writeFileSync(join(target, "kept.txt"), "was here before");
    symlinkSync(join(sandbox, "outside"), join(target, "planted"));

    const error = await refused(rawTar({ name: "new.txt", content: "x" }, { name: "planted/evil.txt", content: "x" }));

    expect(error.code).toBe("SYMLINK_PARENT");
    expect(readdirSync(join(sandbox, "outside"))).toEqual([]);
    expect(readdirSync(target).sort()).toEqual(["kept.txt", "planted"]);
  });

  it.each([
    ["bytes", { maxBytes: 1000 }, "TOO_LARGE"],
    ["entries", { maxEntries: 2 }, "TOO_MANY_ENTRIES"],
  ])("enforces the limit on %s", async (_case, opts, code) => {
    const archive = rawTar({ name: "a", content: Buffer.alloc(600) }, { name: "b", content: Buffer.alloc(600) }, { name: "c", content: "" });

    const error = await refused(archive, opts);

    expect(error.code).toBe(code);
    expect(existsSync(target)).toBe(false);
  });

  it("removes what it wrote when the stream fails part-way, and the stream's error comes through", async () => {
    mkdirSync(target);
    writeFileSync(join(target, "kept.txt"), "was here before");
    const archive = rawTar({ name: "one/a.txt", content: "a" }, { name: "two.txt", content: Buffer.alloc(5000, 1) });
    const digestFailure = new Error("the content hashes to something else");
    async function* failing(): AsyncGenerator<Buffer> {
      yield* chunked(archive.subarray(0, 2000));
      throw digestFailure;
    }

    const error = await extractTar(failing(), target).then(() => undefined, (e: unknown) => e);

    expect(error).toBe(digestFailure);
    expect(readdirSync(target)).toEqual(["kept.txt"]);
  });

  it("reads the stream to its end after the archive ends, so a digest check sees every byte", async () => {
    let read = 0;
    const archive = Buffer.concat([rawTar({ name: "a", content: "a" }), Buffer.alloc(4096)]);
    async function* counting(): AsyncGenerator<Buffer> {
      for await (const c of chunked(archive)) {
        const chunk = c as Buffer;
        read += chunk.length;
        yield chunk;
      }
    }

    await extractTar(counting(), target);

    expect(read).toBe(archive.length);
  });
});
