import { lstat, readFile, readdir, readlink, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { CACHE_STATE, cacheAction, cacheRestoreAction, cacheSaveAction } from "./cache.js";
import { entryDirectory } from "./cache-store.js";
import { gitTestEnv, makeContext, tempDir, writeFiles } from "./test-kit.js";
import type { BuiltinContext, LocalStores } from "./types.js";

type Job = { workspace: string; home: string; temp: string; stores: LocalStores };

/** A fresh workspace and HOME sharing one cache store, like two jobs of different runs. */
async function job(stores: LocalStores): Promise<Job> {
  const root = await tempDir("ferry-job-");
  return { workspace: join(root, "ws"), home: join(root, "home"), temp: join(root, "tmp"), stores };
}

function context(j: Job, inputs: Record<string, string>, state: Record<string, string> = {}) {
  return makeContext({
    workspace: j.workspace,
    stores: j.stores,
    tempDir: j.temp,
    inputs,
    state,
    env: gitTestEnv({ HOME: j.home }),
  });
}

async function runWithPost(j: Job, inputs: Record<string, string>) {
  const main = context(j, inputs);
  await cacheAction.main(main.ctx);
  const post = context(j, inputs, main.rec.state);
  await cacheAction.post?.(post.ctx);
  return { main: main.rec, post: post.rec };
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

const PATHS = "node_modules\n~/.npm\n!node_modules/**/*.log";

async function stores(): Promise<LocalStores> {
  const root = await tempDir("ferry-stores-");
  return { artifactsDir: join(root, "artifacts"), cacheDir: join(root, "cache") };
}

describe("actions/cache", () => {
  it("misses, saves in post, then hits exactly, then restores by restore-keys prefix", async () => {
    const shared = await stores();

    // 1. miss: nothing restored, post saves under the primary key.
    const first = await job(shared);
    await writeFiles(first.workspace, {
      "node_modules/pkg/index.js": "module.exports = 1",
      "node_modules/pkg/debug.log": "noise",
      "node_modules/-rf": "dash",
    });
    await writeFiles(first.home, { ".npm/_cacache/index": "npm cache" });
    await symlink("pkg/index.js", join(first.workspace, "node_modules", "link.js"));
    const inputs = { key: "npm-linux-abc", path: PATHS, "restore-keys": "npm-linux-\nnpm-" };
    const r1 = await runWithPost(first, inputs);
    expect(r1.main.outputs["cache-hit"]).toBeUndefined();
    expect(r1.main.state[CACHE_STATE.primaryKey]).toBe("npm-linux-abc");
    expect(r1.post.logs).toContain("Cache saved with key: npm-linux-abc");
    expect(await exists(entryDirectory(shared.cacheDir, "npm-linux-abc"))).toBe(true);

    // 2. exact hit in another workspace and HOME: files restored there, post does not save.
    const second = await job(shared);
    const r2 = await runWithPost(second, inputs);
    expect(r2.main.outputs["cache-hit"]).toBe("true");
    expect(r2.main.state[CACHE_STATE.exactHit]).toBe("true");
    expect(await readFile(join(second.workspace, "node_modules/pkg/index.js"), "utf8")).toBe("module.exports = 1");
    expect(await readFile(join(second.workspace, "node_modules/-rf"), "utf8")).toBe("dash");
    expect(await readlink(join(second.workspace, "node_modules/link.js"))).toBe("pkg/index.js");
    expect(await exists(join(second.workspace, "node_modules/pkg/debug.log"))).toBe(false);
    expect(await readFile(join(second.home, ".npm/_cacache/index"), "utf8")).toBe("npm cache");
    expect(r2.post.logs.some((l) => l.includes("not saving cache"))).toBe(true);

    // 3. a new key falls back to the restore-key prefix; post saves the new key.
    await sleep(5);
    const third = await job(shared);
    const r3 = await runWithPost(third, { ...inputs, key: "npm-linux-def" });
    expect(r3.main.outputs["cache-hit"]).toBe("false");
    expect(r3.main.outputs["cache-matched-key"]).toBe("npm-linux-abc");
    expect(await readFile(join(third.workspace, "node_modules/pkg/index.js"), "utf8")).toBe("module.exports = 1");
    expect(r3.post.logs).toContain("Cache saved with key: npm-linux-def");

    // 4. with two candidates the newest entry for the prefix wins.
    const fourth = await job(shared);
    const r4 = context(fourth, { ...inputs, key: "npm-linux-zzz", "lookup-only": "true" });
    await cacheAction.main(r4.ctx);
    expect(r4.rec.outputs["cache-matched-key"]).toBe("npm-linux-def");
    expect(await exists(join(fourth.workspace, "node_modules"))).toBe(false); // lookup-only restores nothing
  });

  it("never overwrites an existing entry", async () => {
    const shared = await stores();
    const j = await job(shared);
    await writeFiles(j.workspace, { "out/v.txt": "one" });
    const save = (ctx: BuiltinContext) => cacheSaveAction.main(ctx);
    const first = context(j, { key: "k", path: "out" });
    await save(first.ctx);
    expect(first.rec.logs).toContain("Cache saved with key: k");
    await writeFile(join(j.workspace, "out/v.txt"), "two");
    const second = context(j, { key: "k", path: "out" });
    await save(second.ctx);
    expect(second.rec.logs.some((l) => l.includes("already exists"))).toBe(true);

    const other = await job(shared);
    const restored = context(other, { key: "k", path: "out" });
    await cacheRestoreAction.main(restored.ctx);
    expect(restored.rec.outputs).toMatchObject({ "cache-hit": "true", "cache-primary-key": "k", "cache-matched-key": "k" });
    expect(await readFile(join(other.workspace, "out/v.txt"), "utf8")).toBe("one");
    expect(await readdir(shared.cacheDir)).toHaveLength(2); // the entry and .staging
  });

  it("treats a different path list as a different cache, and can fail on a miss", async () => {
    const shared = await stores();
    const j = await job(shared);
    await writeFiles(j.workspace, { "a/x": "1" });
    await cacheSaveAction.main(context(j, { key: "same", path: "a" }).ctx);
    const other = context(j, { key: "same", path: "b" });
    await cacheRestoreAction.main(other.ctx);
    expect(other.rec.outputs["cache-hit"]).toBeUndefined();
    await expect(cacheAction.main(context(j, { key: "same", path: "b", "fail-on-cache-miss": "true" }).ctx)).rejects.toThrow(
      /fail-on-cache-miss/,
    );
  });

  it("validates keys and warns when there is nothing to save", async () => {
    const shared = await stores();
    const j = await job(shared);
    await expect(cacheAction.main(context(j, { key: "a,b", path: "x" }).ctx)).rejects.toThrow(/cannot contain commas/);
    const empty = context(j, { key: "empty", path: "does-not-exist" });
    await cacheSaveAction.main(empty.ctx);
    expect(empty.rec.warnings[0]).toMatch(/Path Validation Error/);
  });

  it("does not save in post when main never ran", async () => {
    const shared = await stores();
    const j = await job(shared);
    const post = context(j, { key: "k", path: "x" });
    await cacheAction.post?.(post.ctx);
    expect(post.rec.logs[0]).toMatch(/not saving/);
  });
});
