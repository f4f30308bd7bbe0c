import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry } from "./helpers.js";
import type { CliResult } from "./helpers.js";
import { removeDir, startFerry } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * `ferry artifact` against a real `ferry up`: push a directory, pull it back, push the same content as a
 * second version, inspect, list, and pull a blob whose stored bytes were changed. Needs `npm run build`.
 */

/** No provenance from the machine running the tests (GitHub Actions sets these). */
const NO_STEP_ENV = { GITHUB_REPOSITORY: "", GITHUB_SHA: "", GITHUB_RUN_ID: "", GITHUB_JOB: "" };
const STEP_ENV = { GITHUB_REPOSITORY: "acme/shop", GITHUB_SHA: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432", GITHUB_RUN_ID: "4242", GITHUB_JOB: "build" };
const DIGEST = /^sha256:[0-9a-f]{64}$/m;

/** Every path below `dir`: file content (base64) and mode, symlink target, directory mode. */
function snapshot(dir: string, prefix = "", only?: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of only ?? readdirSync(dir).sort()) {
    const path = join(dir, name);
    const s = lstatSync(path);
    const key = `${prefix}${name}`;
    if (s.isSymbolicLink()) out[key] = `symlink -> ${readlinkSync(path)}`;
    else if (s.isDirectory()) Object.assign(out, { [key]: `dir ${(s.mode & 0o777).toString(8)}` }, snapshot(path, `${key}/`));
    else out[key] = `file ${(s.mode & 0o777).toString(8)} ${readFileSync(path).toString("base64")}`;
  }
  return out;
}

/** The files under the registry's blob store: content is stored once however often it is pushed. */
function blobFiles(dataDir: string): string[] {
  const root = join(dataDir, "registry", "blobs", "sha256");
  return readdirSync(root).flatMap((prefix) => readdirSync(join(root, prefix)).map((hex) => `sha256:${hex}`)).sort();
}

describe("ferry artifact", () => {
  let up: Up;
  let work: string;
  let pushedDigest: string;

  const artifact = (args: string[], env: Record<string, string> = NO_STEP_ENV): Promise<CliResult> =>
    ferry(work, ["artifact", ...args, "--server", up.url, "--data-dir", up.dataDir], env);
  const layerOf = async (ref: string): Promise<string> => {
    const r = await artifact(["inspect", ref, "-o", "json"]);
    return (JSON.parse(r.out) as { layers: Array<{ digest: string }> }).layers[0]?.digest ?? "";
  };

  beforeAll(async () => {
    up = await startFerry("up");
    work = mkdtempSync(join(tmpdir(), "ferry-artifact-e2e-"));
    mkdirSync(join(work, "site/assets/img"), { recursive: true });
    mkdirSync(join(work, "site/bin"));
    writeFileSync(join(work, "site/index.html"), "<!doctype html><h1>shop</h1>\n");
    writeFileSync(join(work, "site/assets/app.js"), "console.log('shop');\n");
    // Larger than one read chunk, so a corrupt copy is cut off mid-stream rather than refused up front.
    writeFileSync(join(work, "site/assets/img/logo.bin"), randomBytes(256 << 10));
    writeFileSync(join(work, "site/bin/start.sh"), "#!/bin/sh\nexec node assets/app.js\n");
    chmodSync(join(work, "site/bin/start.sh"), 0o755);
    symlinkSync("assets/app.js", join(work, "site/current.js"));
  });

  afterAll(async () => {
    await up.stop();
    removeDir(up.dataDir);
    removeDir(work);
  });

  it("pushes a directory as app:1.0.0 and prints its digest", async () => {
    const r = await artifact(["push", "app:1.0.0", "site"], STEP_ENV);

    expect(r.code, r.out).toBe(0);
    pushedDigest = DIGEST.exec(r.out)?.[0] ?? "";
    expect(pushedDigest).toMatch(DIGEST);
  });

  it("pulls it into a new directory with the same bytes, modes and symlink", async () => {
    const r = await artifact(["pull", "app:1.0.0", "pulled"]);

    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(pushedDigest);
    expect(snapshot(join(work, "pulled"))).toEqual(snapshot(work, "", ["site"]));
    expect(lstatSync(join(work, "pulled/site/bin/start.sh")).mode & 0o111).toBe(0o111);
  });

  it("stores the layer once when the same content is pushed as app:1.0.1", async () => {
    const before = blobFiles(up.dataDir);

    const r = await artifact(["push", "app:1.0.1", "site"]);

    expect(r.code, r.out).toBe(0);
    const secondDigest = DIGEST.exec(r.out)?.[0] ?? "";
    const after = blobFiles(up.dataDir);
    expect(await layerOf("app:1.0.1")).toBe(await layerOf("app:1.0.0"));
    // Only the new manifest (its creation time differs) is a new blob; config and layer are shared.
    expect(after).toEqual([...before, secondDigest].sort());
    expect(r.out).toContain("content already stored");
  });

  it("inspects app:1.0.0 with the provenance of the step that pushed it", async () => {
    const r = await artifact(["inspect", "app:1.0.0"]);

    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`digest:     ${pushedDigest}`);
    expect(r.out).toContain("type:       application/vnd.ferry.artifact.v1");
    expect(r.out).toMatch(/created: +\d{4}-\d\d-\d\dT/);
    expect(r.out).toContain("repository: acme/shop");
    expect(r.out).toContain(`commit:     ${STEP_ENV.GITHUB_SHA}`);
    expect(r.out).toContain("run:        4242");
    expect(r.out).toContain("job:        build");
    expect(r.out).toContain("referrers:  none");
  });

  it("lists both versions of app", async () => {
    const r = await artifact(["ls", "app"]);

    expect(r.code, r.out).toBe(0);
    const rows = r.out.trim().split("\n").slice(1).map((l) => l.split(/\s+/)[0]);
    expect(rows).toEqual(["1.0.0", "1.0.1"]);
    expect(r.out).toContain(pushedDigest);
  });

  it("asks for a name when the registry does not list repositories", async () => {
    const r = await artifact(["ls"]);

    expect(r.code).toBe(2);
    expect(r.out).toContain("does not list its repositories");
  });

  it("fails clearly on a tampered blob and writes nothing", async () => {
    const layer = await layerOf("app:1.0.0");
    const file = join(up.dataDir, "registry", "blobs", "sha256", layer.slice(7, 9), layer.slice(7));
    const bytes = readFileSync(file);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
    writeFileSync(file, bytes);

    const r = await artifact(["pull", "app:1.0.0", "tampered"]);

    expect(r.code).toBe(1);
    expect(r.out).toContain(`error: pulling blob ${layer} of app`);
    expect(r.out).toMatch(/corrupt/);
    expect(existsSync(join(work, "tampered"))).toBe(false);
    expect(readdirSync(work).sort()).toEqual(["pulled", "site"]);
  });
});
