import { mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listArtifacts } from "./artifact-store.js";
import { downloadArtifactAction } from "./download-artifact.js";
import { makeContext, tempDir, writeFiles } from "./test-kit.js";
import type { LocalStores } from "./types.js";
import { ActionFailure } from "./types.js";
import { uploadArtifactAction } from "./upload-artifact.js";

async function setup(): Promise<{ workspace: string; stores: LocalStores; temp: string }> {
  const root = await tempDir();
  const workspace = join(root, "ws");
  const stores = { artifactsDir: join(root, "artifacts"), cacheDir: join(root, "cache") };
  await writeFiles(workspace, {
    "dist/a.txt": "A",
    "dist/sub/b.txt": "B",
    "dist/sub/deep/c.log": "C",
    "dist/.env": "SECRET=1",
    "dist/.hidden/x.txt": "X",
    "docs/readme.md": "README",
  });
  return { workspace, stores, temp: join(root, "tmp") };
}

/** Relative paths of all files below `dir`, sorted. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("upload-artifact and download-artifact", () => {
  it("round-trips a directory with nested files, leaving hidden files out", async () => {
    const { workspace, stores, temp } = await setup();
    const up = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "build", path: "dist" } });
    await uploadArtifactAction.main(up.ctx);
    expect(up.rec.outputs["artifact-id"]).toBe("1");
    expect(up.rec.outputs["artifact-digest"]).toMatch(/^[0-9a-f]{64}$/);
    expect(up.rec.outputs["artifact-url"]).toMatch(/^file:\/\//);

    const down = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "build", path: "out" } });
    await downloadArtifactAction.main(down.ctx);
    const out = join(workspace, "out");
    expect(down.rec.outputs["download-path"]).toBe(out);
    expect(await filesBelow(out)).toEqual(["a.txt", "sub/b.txt", "sub/deep/c.log"]);
    expect(await readFile(join(out, "sub/deep/c.log"), "utf8")).toBe("C");
  });

  it("includes hidden files when asked", async () => {
    const { workspace, stores, temp } = await setup();
    const up = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "all", path: "dist", "include-hidden-files": "true" } });
    await uploadArtifactAction.main(up.ctx);
    const down = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "all", path: "out" } });
    await downloadArtifactAction.main(down.ctx);
    expect(await filesBelow(join(workspace, "out"))).toEqual([".env", ".hidden/x.txt", "a.txt", "sub/b.txt", "sub/deep/c.log"]);
  });

  it("stores globbed files relative to the least common ancestor of the search paths, minus exclusions", async () => {
    const { workspace, stores, temp } = await setup();
    const up = makeContext({
      workspace,
      stores,
      tempDir: temp,
      inputs: { name: "mixed", path: "dist/**/*.txt\ndist/**/*.log\ndocs/readme.md\n!dist/sub/deep" },
    });
    await uploadArtifactAction.main(up.ctx);
    const down = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "mixed", path: join(workspace, "got") } });
    await downloadArtifactAction.main(down.ctx);
    expect(await filesBelow(join(workspace, "got"))).toEqual(["dist/a.txt", "dist/sub/b.txt", "docs/readme.md"]);
  });

  it("stores a single file under its own name", async () => {
    const { workspace, stores, temp } = await setup();
    await uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "one", path: "dist/sub/b.txt" } }).ctx);
    await downloadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "one", path: "o" } }).ctx);
    expect(await filesBelow(join(workspace, "o"))).toEqual(["b.txt"]);
  });

  it("refuses to overwrite an artifact unless overwrite is true", async () => {
    const { workspace, stores, temp } = await setup();
    const inputs = { name: "dup", path: "dist/a.txt" };
    await uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs }).ctx);
    await expect(uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs }).ctx)).rejects.toThrow(
      ActionFailure,
    );
    await writeFile(join(workspace, "dist/a.txt"), "A2");
    const again = makeContext({ workspace, stores, tempDir: temp, inputs: { ...inputs, overwrite: "true" } });
    await uploadArtifactAction.main(again.ctx);
    expect(again.rec.outputs["artifact-id"]).toBe("2");
    await downloadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "dup", path: "d" } }).ctx);
    expect(await readFile(join(workspace, "d/a.txt"), "utf8")).toBe("A2");
    expect((await listArtifacts(stores, "run-1")).map((a) => a.name)).toEqual(["dup"]);
  });

  it("warns, fails or stays quiet when no files match", async () => {
    const { workspace, stores, temp } = await setup();
    const warn = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "none", path: "nothing/**" } });
    await uploadArtifactAction.main(warn.ctx);
    expect(warn.rec.warnings[0]).toMatch(/No files were found/);
    expect(warn.rec.outputs).toEqual({});
    const fail = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "none", path: "nothing", "if-no-files-found": "error" } });
    await expect(uploadArtifactAction.main(fail.ctx)).rejects.toThrow(/No files were found/);
    const quiet = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "none", path: "nothing", "if-no-files-found": "ignore" } });
    await uploadArtifactAction.main(quiet.ctx);
    expect(quiet.rec.warnings).toEqual([]);
  });

  it("rejects names that could leave the store", async () => {
    const { workspace, stores, temp } = await setup();
    for (const name of ["../x", "a/b", ".."]) {
      await expect(
        uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name, path: "dist" } }).ctx),
      ).rejects.toThrow(/Invalid artifact name/);
    }
  });

  it("gives the same digest to the same content", async () => {
    const { workspace, stores, temp } = await setup();
    const a = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "a", path: "dist" } });
    const b = makeContext({ workspace, stores, tempDir: temp, inputs: { name: "b", path: "dist/" } });
    await uploadArtifactAction.main(a.ctx);
    await uploadArtifactAction.main(b.ctx);
    expect(a.rec.outputs["artifact-digest"]).toBe(b.rec.outputs["artifact-digest"]);
  });

  it("downloads every artifact of the run into its own directory, or merged, filtered by pattern", async () => {
    const { workspace, stores, temp } = await setup();
    await uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "bin-linux", path: "dist/a.txt" } }).ctx);
    await uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "bin-mac", path: "dist/sub/b.txt" } }).ctx);
    await uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "docs", path: "docs" } }).ctx);

    const all = makeContext({ workspace, stores, tempDir: temp, inputs: { path: "all" } });
    await downloadArtifactAction.main(all.ctx);
    expect(await filesBelow(join(workspace, "all"))).toEqual(["bin-linux/a.txt", "bin-mac/b.txt", "docs/readme.md"]);

    const merged = makeContext({ workspace, stores, tempDir: temp, inputs: { path: "merged", pattern: "bin-*", "merge-multiple": "true" } });
    await downloadArtifactAction.main(merged.ctx);
    expect(await filesBelow(join(workspace, "merged"))).toEqual(["a.txt", "b.txt"]);
  });

  it("fails for a missing artifact and for other repositories", async () => {
    const { workspace, stores, temp } = await setup();
    await expect(
      downloadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "nope" } }).ctx),
    ).rejects.toThrow("Artifact not found: nope");
    await expect(
      downloadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "x", repository: "someone/else" } }).ctx),
    ).rejects.toThrow(/another repository/);
  });

  it("never writes through a symbolic link that leads out of the target directory", async () => {
    const { workspace, stores, temp } = await setup();
    await uploadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "build", path: "dist" } }).ctx);
    const outside = await tempDir("ferry-outside-");
    await mkdir(join(workspace, "target"), { recursive: true });
    await symlink(outside, join(workspace, "target", "sub"));
    await expect(
      downloadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "build", path: "target" } }).ctx),
    ).rejects.toThrow(/outside/);
    expect(await readdir(outside)).toEqual([]);

    // A symbolic link in place of a file is replaced, not followed.
    const victim = join(outside, "victim.txt");
    await writeFile(victim, "keep");
    await mkdir(join(workspace, "t2"));
    await symlink(victim, join(workspace, "t2", "a.txt"));
    await downloadArtifactAction.main(makeContext({ workspace, stores, tempDir: temp, inputs: { name: "build", path: "t2" } }).ctx);
    expect(await readFile(victim, "utf8")).toBe("keep");
    expect(await readFile(join(workspace, "t2", "a.txt"), "utf8")).toBe("A");
  });
});
