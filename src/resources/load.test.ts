import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadResourceFiles, loadResources, type LoadResourcesResult } from "./load.js";
import { formatResourceProblem } from "./resource-problem.js";

function errorsOf(result: LoadResourcesResult): string[] {
  if (result.ok) throw new Error("expected problems, got none");
  return result.errors.map(formatResourceProblem);
}

function namesOf(result: LoadResourcesResult): string[] {
  if (!result.ok) throw new Error(`unexpected problems:\n${result.errors.map(formatResourceProblem).join("\n")}`);
  return result.resources.map((r) => `${r.kind}/${r.metadata.name}`);
}

const repository = (name: string, url = "/srv/git/shop") =>
  `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${url}\n`;

describe("loadResources", () => {
  it("loads every document of a multi-document stream, skipping empty ones", () => {
    const text = `# resources for the shop
---
${repository("shop")}---
# nothing here
---
${repository("docs")}---
`;

    expect(namesOf(loadResources(text, "all.yaml"))).toEqual(["Repository/shop", "Repository/docs"]);
  });

  it.each(["", "\n", "# only a comment\n", "---\n---\n"])("loads nothing from %j", (text) => {
    expect(loadResources(text, "empty.yaml")).toEqual({ ok: true, resources: [] });
  });

  it("reports problems of several documents with lines counted from the start of the file", () => {
    const text = `${repository("shop", "ftp://x")}---
${repository("docs")}---
${repository("Blog")}`;

    expect(errorsOf(loadResources(text, "all.yaml"))).toEqual([
      'all.yaml:6:8: spec.url: unsupported scheme "ftp://"; must be a Git URL: https://, http://, ssh://, git://, file://, user@host:path or an absolute path',
      "all.yaml:18:9: metadata.name: must be lowercase letters, digits and '-', start and end with a letter or digit, and be at most 63 characters",
    ]);
  });

  it("returns no resources when any document has a problem", () => {
    const result = loadResources(`${repository("shop")}---\n${repository("docs", "ftp://x")}`, "all.yaml");

    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty("resources");
  });

  it.each([
    ["an unclosed flow sequence", `${repository("shop")}  branches: [main\n`, 8, "end with a ]"],
    ["a duplicate key", `${repository("shop")}  url: /srv/other\n`, 7, "Map keys must be unique"],
    ["a tab for indentation", "apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n\tname: shop\n", 4, "Tabs are not allowed"],
    ["an unterminated string", 'apiVersion: "ferry/v1alpha1\nkind: Repository\n', 3, "Missing closing"],
  ])("reports bad YAML: %s", (_name, text, line, message) => {
    const result = loadResources(text, "bad.yaml");

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]).toMatchObject({ file: "bad.yaml", line, path: "" });
    expect(result.errors[0]?.message).toContain(message);
  });

  it("reports bad YAML in one document along with schema problems in another", () => {
    const text = `${repository("shop", "42")}---\nkind: [\n`;

    expect(errorsOf(loadResources(text, "mixed.yaml")).map((e) => e.split(": ")[0])).toEqual([
      "mixed.yaml:6:8",
      "mixed.yaml:9:1",
    ]);
  });

  it("reports a duplicate kind/name at the second definition", () => {
    const text = `${repository("shop")}---\n${repository("shop", "/srv/git/other")}`;

    expect(errorsOf(loadResources(text, "dup.yaml"))).toEqual([
      'dup.yaml:11:9: metadata.name: duplicate Repository "shop"; first defined at line 4',
    ]);
  });

  it.each([
    ["a list", "- apiVersion: ferry/v1alpha1\n", "dup.yaml:1:1: expected a mapping with apiVersion, kind, metadata and spec"],
    ["a scalar", "just text\n", "dup.yaml:1:1: expected a mapping with apiVersion, kind, metadata and spec"],
    [
      "an unknown kind",
      "apiVersion: ferry/v1alpha1\nkind: Pipeline\nmetadata:\n  name: x\n",
      'dup.yaml:2:7: kind: unknown kind "Pipeline"; known kinds: Repository, Application, Service, Warehouse, Stage',
    ],
    [
      "a kind in the wrong case",
      "apiVersion: ferry/v1alpha1\nkind: repository\nmetadata:\n  name: x\n",
      'dup.yaml:2:7: kind: unknown kind "repository"; did you mean "Repository"?',
    ],
    ["a missing kind", "apiVersion: ferry/v1alpha1\nmetadata:\n  name: x\n", "dup.yaml:1:1: kind: is required"],
    ["a missing apiVersion", "kind: Repository\nmetadata:\n  name: x\nspec:\n  url: /srv/x\n", "dup.yaml:1:1: apiVersion: is required"],
    ["a missing spec", "apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: x\n", "dup.yaml:1:1: spec: is required"],
    [
      "an empty spec",
      "apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: x\nspec:\n",
      "dup.yaml:5:1: spec: expected a mapping, got an empty value",
    ],
    [
      "a flow-style document",
      "{apiVersion: ferry/v1alpha1, kind: Repository, metadata: {name: x}, spec: {url: 42}}\n",
      "dup.yaml:1:81: spec.url: expected a string, got number 42",
    ],
    [
      "a label key that is not an identifier",
      `${repository("shop").replace("  name: shop\n", '  name: shop\n  labels:\n    "app.kubernetes.io/name": 3\n')}`,
      'dup.yaml:6:31: metadata.labels["app.kubernetes.io/name"]: expected a string, got number 3',
    ],
  ])("reports %s", (_name, text, error) => {
    expect(errorsOf(loadResources(text, "dup.yaml"))).toEqual([error]);
  });

  it("reports an unknown kind together with envelope problems", () => {
    expect(errorsOf(loadResources("apiVersion: v1\nkind: Pipeline\nmetadata: {}\n", "k.yaml"))).toEqual([
      'k.yaml:1:13: apiVersion: must be "ferry/v1alpha1"',
      'k.yaml:2:7: kind: unknown kind "Pipeline"; known kinds: Repository, Application, Service, Warehouse, Stage',
      "k.yaml:3:1: metadata.name: is required",
    ]);
  });

  it("ignores status, which the system writes", () => {
    const text = `${repository("shop")}status:\n  conditions: [{ type: Ready, status: "True" }]\n`;

    const result = loadResources(text, "shop.yaml");

    expect(namesOf(result)).toEqual(["Repository/shop"]);
    expect(result.ok && result.resources[0]).not.toHaveProperty("status");
  });

  it("refuses a document that expands aliases without bound", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);

    const errors = errorsOf(loadResources(`${lines.join("\n")}\n`, "bomb.yaml"));

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^bomb\.yaml:1:1: .*alias/i);
  });
});

describe("loadResourceFiles", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-resources-"));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(files: Record<string, string>): Promise<void> {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
  }

  it("reads *.yaml and *.yml files of a directory recursively in sorted order, skipping hidden entries", async () => {
    await write({
      "b.yml": repository("b"),
      "a.yaml": repository("a"),
      "nested/c.yaml": repository("c"),
      "nested/deeper/d.yaml": repository("d"),
      "notes.txt": "not yaml",
      ".hidden.yaml": repository("hidden"),
      ".github/workflows/ci.yml": "on: push\n",
    });

    const result = await loadResourceFiles([dir]);

    expect(namesOf(result)).toEqual(["Repository/a", "Repository/b", "Repository/c", "Repository/d"]);
  });

  it("reads files named explicitly whatever their extension, each once", async () => {
    await write({ "shop.txt": repository("shop"), "docs.yaml": repository("docs") });

    const result = await loadResourceFiles([join(dir, "shop.txt"), dir, join(dir, "docs.yaml")]);

    expect(namesOf(result)).toEqual(["Repository/shop", "Repository/docs"]);
  });

  it("merges the problems of every file, each naming its file", async () => {
    await write({ "a.yaml": repository("a", "ftp://x"), "b.yaml": repository("B") });

    const errors = errorsOf(await loadResourceFiles([dir]));

    expect(errors.map((e) => e.split(": ")[0])).toEqual([`${join(dir, "a.yaml")}:6:8`, `${join(dir, "b.yaml")}:4:9`]);
  });

  it("reports a kind/name defined in two files", async () => {
    await write({ "a.yaml": repository("shop"), "b.yaml": `# again\n${repository("shop")}` });

    const errors = errorsOf(await loadResourceFiles([dir]));

    expect(errors).toEqual([
      `${join(dir, "b.yaml")}:5:9: metadata.name: duplicate Repository "shop"; first defined at ${join(dir, "a.yaml")}:4`,
    ]);
  });

  it("reports a path that does not exist, along with problems elsewhere", async () => {
    await write({ "a.yaml": repository("A") });
    const missing = join(dir, "missing.yaml");

    const errors = errorsOf(await loadResourceFiles([missing, dir]));

    expect(errors).toEqual([
      `${missing}: no such file or directory`,
      `${join(dir, "a.yaml")}:4:9: metadata.name: must be lowercase letters, digits and '-', start and end with a letter or digit, and be at most 63 characters`,
    ]);
  });
});
