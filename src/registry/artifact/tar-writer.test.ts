import { execFileSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactError } from "./artifact-error.js";
import { collectEntries } from "./collect-entries.js";
import { extractTar } from "./extract-tar.js";
import { chunked } from "./tar.testing.js";
import { writeTar } from "./tar-writer.js";

let tmp: string;
let src: string;

const LONG = `${"deep/".repeat(25)}${"n".repeat(150)}.txt`;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "ferry-tar-"));
  src = join(tmp, "src");
  mkdirSync(join(src, "site/assets"), { recursive: true });
  writeFileSync(join(src, "site/index.html"), "<h1>hi</h1>\n");
  writeFileSync(join(src, "site/assets/app.js"), "console.log(1)\n".repeat(100));
  writeFileSync(join(src, "site/run.sh"), "#!/bin/sh\n");
  chmodSync(join(src, "site/run.sh"), 0o755);
  symlinkSync("assets/app.js", join(src, "site/current.js"));
  writeFileSync(join(src, "site/ünïcode.txt"), "ü");
  mkdirSync(join(src, "site", ...LONG.split("/").slice(0, -1)), { recursive: true });
  writeFileSync(join(src, "site", LONG), "long name");
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

async function tarOf(paths: string[], base = src): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of writeTar(await collectEntries(paths, base))) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Every path below `dir` with what identifies it: content, link target, mode. */
function snapshot(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const s = lstatSync(path);
    const key = `${prefix}${name}`;
    if (s.isSymbolicLink()) out[key] = `-> ${readlinkSync(path)}`;
    else if (s.isDirectory()) Object.assign(out, { [key]: `dir ${(s.mode & 0o777).toString(8)}` }, snapshot(path, `${key}/`));
    else out[key] = `${(s.mode & 0o777).toString(8)} ${readFileSync(path).toString("base64")}`;
  }
  return out;
}

describe("writeTar", () => {
  it("gives the same bytes for the same tree, whatever the times", async () => {
    const first = await tarOf(["site"]);
    utimesSync(join(src, "site/index.html"), new Date(2001, 1, 1), new Date(2001, 1, 1));

    expect((await tarOf(["site"])).equals(first)).toBe(true);
  });

  it("round-trips through extractTar: bytes, modes, symlinks, long and non-ASCII names", async () => {
    const out = join(tmp, "out");

    await extractTar(chunked(await tarOf(["site"]), 4096), out);

    expect(snapshot(out)).toEqual(snapshot(src));
  });

  it("writes archives GNU tar reads: sorted names, owner 0, mtime 0", () => {
    const file = join(tmp, "a.tar");
    return tarOf(["site"]).then((data) => {
      writeFileSync(file, data);
      const listing = execFileSync("tar", ["--numeric-owner", "-tvf", file], { encoding: "utf8" }).trim().split("\n");
      const names = execFileSync("tar", ["-tf", file], { encoding: "utf8" }).trim().split("\n");
      mkdirSync(join(tmp, "gnu"));
      execFileSync("tar", ["-xf", file, "-C", join(tmp, "gnu")]);

      expect(names).toEqual([...names].sort());
      expect(names).toContain(`site/${LONG}`);
      expect(listing.every((l) => / 0\/0 /.test(l) && l.includes("1970-01-01"))).toBe(true);
      expect(snapshot(join(tmp, "gnu"))).toEqual(snapshot(src));
    });
  });

  it.each(["gnu", "pax", "ustar"])("reads what GNU tar writes in %s format", async (format) => {
    const file = join(tmp, "gnu.tar");
    const paths = format === "ustar" ? ["site/index.html", "site/run.sh", "site/current.js", "site/assets"] : ["site"];
    execFileSync("tar", [`--format=${format}`, "-cf", file, "-C", src, ...paths]);

    await extractTar(chunked(readFileSync(file), 10_000), join(tmp, "out"));

    const expected = Object.fromEntries(Object.entries(snapshot(src)).filter(([k]) => paths.some((p) => k === p || k.startsWith(`${p}/`) || p.startsWith(`${k}/`))));
    expect(snapshot(join(tmp, "out"))).toEqual(expected);
  });
});

describe("collectEntries", () => {
  it("names entries relative to the base, sorted, directories included", async () => {
    const names = (await collectEntries(["site/assets", "site/index.html", "site/assets"], src)).map((e) => `${e.type} ${e.name}`);

    expect(names).toEqual(["directory site/assets", "file site/assets/app.js", "file site/index.html"]);
  });

  it("takes the base's contents for '.'", async () => {
    const names = (await collectEntries(["."], join(src, "site/assets"))).map((e) => e.name);

    expect(names).toEqual(["app.js"]);
  });

  it.each([
    ["a path outside the base", () => collectEntries(["../.."], src), "PATH_OUTSIDE"],
    ["a missing path", () => collectEntries(["nope"], src), "PATH_MISSING"],
    ["a symlink out of the artifact", () => {
      symlinkSync("../../etc", join(src, "site/etc"));
      return collectEntries(["site"], src);
    }, "SYMLINK_OUTSIDE"],
    ["an absolute symlink", () => {
      symlinkSync("/etc/passwd", join(src, "site/passwd"));
      return collectEntries(["site"], src);
    }, "SYMLINK_OUTSIDE"],
    ["a FIFO", () => {
      execFileSync("mkfifo", [join(src, "site/pipe")]);
      return collectEntries(["site"], src);
    }, "UNSUPPORTED_FILE"],
  ])("refuses %s", async (_case, run, code) => {
    const error = await run().then(() => undefined, (e: unknown) => e);

    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).code).toBe(code);
  });
});
