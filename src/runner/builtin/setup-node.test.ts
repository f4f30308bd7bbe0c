import { join, dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { currentHostNode, setupNode, setupNodeAction, versionFromFile } from "./setup-node.js";
import { makeContext, tempDir, writeFiles } from "./test-kit.js";

async function context(inputs: Record<string, string>) {
  const root = await tempDir();
  const workspace = join(root, "ws");
  await writeFiles(workspace, {
    ".nvmrc": `${process.version}\n`,
    "package.json": JSON.stringify({ engines: { node: ">=4" } }),
    ".tool-versions": "python 3.12.0\nnodejs 2.0.0\n",
  });
  return makeContext({
    workspace,
    stores: { artifactsDir: join(root, "a"), cacheDir: join(root, "c") },
    tempDir: join(root, "tmp"),
    inputs,
  });
}

const major = process.versions.node.split(".")[0] ?? "";

describe("actions/setup-node", () => {
  it.each([major, `${major}.x`, `>=${major}`, process.version, "latest"])("uses the host's node for %s", async (spec) => {
    const { ctx, rec } = await context({ "node-version": spec, cache: "npm" });
    await setupNodeAction.main(ctx);
    expect(rec.paths).toEqual([dirname(process.execPath)]);
    expect(rec.outputs).toEqual({ "node-version": process.version });
    expect(rec.logs.some((l) => l.startsWith("Ignoring cache"))).toBe(true);
  });

  it("refuses a version the host does not have", async () => {
    const { ctx, rec } = await context({ "node-version": "1.0.0" });
    await expect(setupNodeAction.main(ctx)).rejects.toThrow(
      `node 1.0.0 is not available offline; this host has node ${process.version}`,
    );
    expect(rec.paths).toEqual([]);
  });

  it("reads node-version-file", async () => {
    for (const file of [".nvmrc", "package.json"]) {
      const { ctx, rec } = await context({ "node-version-file": file });
      await setupNodeAction.main(ctx);
      expect(rec.outputs["node-version"]).toBe(process.version);
    }
    const { ctx } = await context({ "node-version-file": ".tool-versions" });
    await expect(setupNodeAction.main(ctx)).rejects.toThrow(/node 2\.0\.0 is not available offline/);
    const missing = await context({ "node-version-file": ".node-version" });
    await expect(setupNodeAction.main(missing.ctx)).rejects.toThrow(/does not exist/);
  });

  it("refuses another architecture and LTS aliases on a non-LTS host", async () => {
    const arch = await context({ "node-version": major, architecture: process.arch === "arm64" ? "x64" : "arm64" });
    await expect(setupNodeAction.main(arch.ctx)).rejects.toThrow(/architecture/);
    const lts = await context({ "node-version": "lts/*" });
    await expect(setupNode(lts.ctx, { ...currentHostNode(), lts: undefined })).rejects.toThrow(/not an LTS release/);
  });

  it("reads versions from package.json fields in setup-node's order", () => {
    expect(versionFromFile("package.json", JSON.stringify({ volta: { node: "20.1.0" }, engines: { node: ">=18" } }))).toBe("20.1.0");
    expect(versionFromFile("package.json", JSON.stringify({ devEngines: { runtime: { name: "node", version: "^22" } } }))).toBe("^22");
    expect(versionFromFile(".nvmrc", "# comment\n\nlts/iron\n")).toBe("lts/iron");
  });
});
