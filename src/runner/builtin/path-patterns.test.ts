import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commonAncestor, findPaths, parsePathPatterns, searchRoots } from "./path-patterns.js";
import { planUpload } from "./upload-artifact.js";
import { tempDir, writeFiles } from "./test-kit.js";

describe("path patterns", () => {
  it("splits patterns into search roots and globs", () => {
    const [literal, glob, negated] = parsePathPatterns(["dist/app", "src/**/*.ts", "!src/gen"], "/ws", "/home/u");
    expect(literal).toMatchObject({ root: "/ws/dist/app", glob: undefined, negate: false });
    expect(glob).toMatchObject({ root: "/ws/src", glob: "**/*.ts", negate: false });
    expect(negated).toMatchObject({ root: "/ws/src/gen", negate: true });
    expect(parsePathPatterns(["~/.npm", "# comment", ""], "/ws", "/home/u").map((p) => p.root)).toEqual(["/home/u/.npm"]);
    expect(searchRoots(parsePathPatterns(["a", "a/b/*.txt", "c/**"], "/ws", "/h"))).toEqual(["/ws/a", "/ws/c"]);
  });

  it("lets the last matching pattern decide", async () => {
    const ws = await tempDir();
    await writeFiles(ws, { "a/keep.log": "", "a/drop.log": "", "a/x.txt": "" });
    const patterns = parsePathPatterns(["a", "!a/*.log", "a/keep.log"], ws, ws);
    const found = await findPaths(patterns, { followSymlinks: true, includeHidden: false });
    expect(found.filter((f) => f.kind === "file").map((f) => f.path)).toEqual([join(ws, "a/keep.log"), join(ws, "a/x.txt")]);
  });

  it("follows or keeps symbolic links, and survives link loops", async () => {
    const ws = await tempDir();
    await writeFiles(ws, { "d/f.txt": "" });
    await symlink(".", join(ws, "d", "loop"));
    const followed = await findPaths(parsePathPatterns(["d"], ws, ws), { followSymlinks: true, includeHidden: false });
    expect(followed.map((f) => f.path)).toEqual([join(ws, "d"), join(ws, "d/f.txt")]);
    const kept = await findPaths(parsePathPatterns(["d"], ws, ws), { followSymlinks: false, includeHidden: false });
    expect(kept.map((f) => [f.path, f.kind])).toContainEqual([join(ws, "d/loop"), "symlink"]);
  });

  it("treats hidden names as @actions/glob does, but never the workspace itself", async () => {
    const root = await tempDir();
    const ws = join(root, ".workspace");
    await writeFiles(ws, { "a.txt": "", ".next/b.txt": "" });
    const plan = await planUpload(["*.txt", ".next"], { cwd: ws, home: root, includeHidden: false });
    expect(plan.files).toEqual([join(ws, "a.txt")]);
    const all = await planUpload(["*.txt", ".next"], { cwd: ws, home: root, includeHidden: true });
    expect(all.files).toEqual([join(ws, ".next/b.txt"), join(ws, "a.txt")]);
  });

  it("finds the least common ancestor", () => {
    expect(commonAncestor(["/a/b/c", "/a/b/d/e", "/a/bc"])).toBe("/a");
    expect(commonAncestor(["/a/b"])).toBe("/a/b");
  });
});
