import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, it, expect } from "vitest";
import { hashFiles } from "./hash-files.js";

// GitHub's hashFiles(path): a SHA-256 over the SHA-256 of each matched file, '' when none
// match; glob patterns (@actions/glob), relative to the workspace, "!" excludes.

const root = mkdtempSync(join(tmpdir(), "ferry-hashfiles-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A fresh workspace holding `files` (path → content), written in the given order. */
function workspace(files: ReadonlyArray<[string, string]>): string {
  const dir = join(root, `ws${count++}`);
  mkdirSync(dir);
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const sha = (data: string | Buffer): Buffer => createHash("sha256").update(data).digest();
/** The documented algorithm, for files given in path order. */
const expected = (...contents: string[]): string => {
  const total = createHash("sha256");
  for (const c of contents) total.update(sha(c));
  return total.digest("hex");
};

const FILES: Array<[string, string]> = [
  ["package-lock.json", "root lock"],
  ["package.json", "{}"],
  ["src/a.js", "a"],
  ["src/b.js", "b"],
  ["src/lib/c.js", "c"],
  ["src/notes.md", "notes"],
  ["lib/x.rb", "x"],
  ["lib/deep/y.rb", "y"],
  ["app/package-lock.json", "app lock"],
  ["file1.txt", "1"],
  ["file2.txt", "2"],
  ["file10.txt", "10"],
  [".hidden/conf.txt", "hidden"],
];
const ws = workspace(FILES);

describe("hashFiles", () => {
  it("hashes one file as sha256 of its sha256", () => {
    expect(hashFiles(ws, ["package.json"])).toBe(expected("{}"));
  });

  it("is a 64-character hex digest", () => {
    expect(hashFiles(ws, ["**/*.js"])).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives '' when nothing matches", () => {
    expect(hashFiles(ws, ["**/*.nothing"])).toBe("");
    expect(hashFiles(ws, ["missing.txt"])).toBe("");
    expect(hashFiles(ws, ["**/*.js", "!**/*.js"])).toBe("");
  });

  it("gives '' for an empty workspace", () => {
    expect(hashFiles(workspace([]), ["**"])).toBe("");
  });

  it("does not depend on the order files were created in", () => {
    const forward = workspace(FILES);
    const backward = workspace([...FILES].reverse());
    for (const pattern of ["**", "**/*.js", "**/package-lock.json"]) {
      expect(hashFiles(backward, [pattern])).toBe(hashFiles(forward, [pattern]));
    }
  });

  it("is the same for the same content in another workspace, and changes with content", () => {
    const copy = workspace(FILES);
    expect(hashFiles(copy, ["**/*.rb"])).toBe(hashFiles(ws, ["**/*.rb"]));
    const changed = workspace(FILES.map(([p, c]): [string, string] => [p, p === "lib/x.rb" ? "changed" : c]));
    expect(hashFiles(changed, ["**/*.rb"])).not.toBe(hashFiles(ws, ["**/*.rb"]));
  });

  it("depends on which files match, not only on their contents", () => {
    expect(hashFiles(ws, ["src/a.js", "src/b.js"])).not.toBe(hashFiles(ws, ["src/a.js"]));
  });

  it.each<[string, string[], string[]]>([
    // Examples from the documentation.
    ["any package-lock.json", ["**/package-lock.json"], ["app lock", "root lock"]],
    ["several patterns", ["**/package-lock.json", "**/package.json"], ["app lock", "root lock", "{}"]],
    ["/src/*.js: src at the root, without subdirectories", ["/src/*.js"], ["a", "b"]],
    ["/lib/**/*.rb: lib at the root, with subdirectories", ["/lib/**/*.rb"], ["y", "x"]],
    // Glob syntax.
    ["* stays within a directory", ["src/*.js"], ["a", "b"]],
    // A directory a pattern matches brings everything below it, as in @actions/glob.
    ["src/* matches src/lib and so its files", ["src/*"], ["a", "b", "c", "notes"]],
    [". is the whole workspace", ["."], ["hidden", "app lock", "1", "10", "2", "y", "x", "root lock", "{}", "a", "b", "c", "notes"]],
    ["** crosses directories", ["src/**"], ["a", "b", "c", "notes"]],
    ["? is exactly one character", ["file?.txt"], ["1", "2"]],
    ["[...] is one character of a set", ["file[2-9].txt"], ["2"]],
    ["* matches hidden names", [".hidden/*"], ["hidden"]],
    ["./ prefix", ["./src/a.js"], ["a"]],
    ["a directory matches every file below it", ["src/lib"], ["c"]],
    ["patterns given as lines of one argument", ["src/a.js\nsrc/b.js"], ["a", "b"]],
    ["blank lines and # comments are ignored", ["\n# a comment\nsrc/a.js\n"], ["a"]],
    // Negation.
    ["! excludes", ["src/**/*.js", "!src/lib/**"], ["a", "b"]],
    ["! excludes a single file", ["**/*.txt", "!file10.txt"], ["hidden", "1", "2"]],
    ["! as a separate line", ["**/package-lock.json\n!app/**"], ["root lock"]],
    ["a later pattern includes again", ["src/*.js", "!src/*.js", "src/a.js"], ["a"]],
  ])("%s: %j", (_name, patterns, contents) => {
    expect(hashFiles(ws, patterns)).toBe(expected(...contents));
  });

  it("accepts an absolute path inside the workspace", () => {
    expect(hashFiles(ws, [join(ws, "src/a.js")])).toBe(expected("a"));
    expect(hashFiles(ws, [`${ws}/src/*.js`])).toBe(expected("a", "b"));
  });

  it("leaves out .git", () => {
    const repo = workspace([
      [".git/HEAD", "ref: refs/heads/main"],
      ["a.txt", "a"],
    ]);
    expect(hashFiles(repo, ["**"])).toBe(expected("a"));
  });
});
