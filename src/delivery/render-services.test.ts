import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatResourceProblem } from "../resources/index.js";
import { renderServices, type RenderServicesResult } from "./render-services.js";

/** A Service document; `metadata.name` is on its line 4, `spec` starts on line 6. */
function service(name: string, spec = ""): string {
  return `apiVersion: ferry/v1alpha1
kind: Service
metadata:
  name: ${name}
spec:
  artifact: localhost:7000/shop/${name}:1.0.0
  command: [bin/${name}]
${spec}`;
}

function namesOf(result: RenderServicesResult): string[] {
  if (!result.ok) throw new Error(`unexpected problems:\n${result.problems.map(formatResourceProblem).join("\n")}`);
  return result.services.map((s) => s.metadata.name);
}

function problemsOf(result: RenderServicesResult): string[] {
  if (result.ok) throw new Error("expected problems, got none");
  return result.problems.map(formatResourceProblem);
}

describe("renderServices", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ferry-render-"));
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

  it("reads every *.yaml and *.yml document under the path, recursively and in sorted order", async () => {
    await write({
      "apps/shop/web.yaml": `${service("web")}---\n${service("worker")}`,
      "apps/shop/db/db.yml": service("db"),
      "apps/shop/a.yaml": "# nothing yet\n",
      "apps/shop/README.md": "not yaml",
      "apps/shop/.draft.yaml": service("draft"),
      "apps/shop/.hidden/cache.yaml": service("cache"),
      "apps/other/api.yaml": service("api"),
    });

    const result = await renderServices(dir, "apps/shop");

    expect(namesOf(result)).toEqual(["db", "web", "worker"]);
    expect(result.ok && result.services[0]?.spec).toMatchObject({ artifact: "localhost:7000/shop/db:1.0.0", replicas: 1, stopSignal: "SIGTERM" });
  });

  it.each([".", "./", "deploy/..x"])("reads the path %j", async (path) => {
    await write({ "deploy/..x/web.yaml": service("web"), "web.yaml": service("top") });

    const result = await renderServices(dir, path);

    expect(result.ok).toBe(true);
  });

  it("renders nothing from a folder without Services", async () => {
    await write({ "apps/shop/notes.txt": "later" });

    expect(await renderServices(dir, "apps/shop")).toEqual({ ok: true, services: [] });
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      "a resource of another kind",
      { "web.yaml": `${service("web")}---\napiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: shop\nspec:\n  url: /srv/git/shop\n` },
      ["web.yaml:10:7: kind: an application's path holds Services only; apply a Repository to Ferry instead"],
    ],
    [
      "an unknown kind",
      { "k8s/deploy.yaml": "apiVersion: ferry/v1alpha1\nkind: Deployment\nmetadata:\n  name: web\n" },
      ['k8s/deploy.yaml:2:7: kind: unknown kind "Deployment"; known kinds: Repository, Application, Service, Warehouse, Stage'],
    ],
    [
      "a schema problem, named by its file inside the repository",
      { "svc/web.yaml": service("web", "  replicas: -1\n") },
      ["svc/web.yaml:8:13: spec.replicas: must be a whole number from 0 to 1000"],
    ],
    ["a document that is not a mapping", { "web.yaml": "- web\n---\njust text\n" }, [
      "web.yaml:1:1: expected a mapping with apiVersion, kind, metadata and spec",
      "web.yaml:3:1: expected a mapping with apiVersion, kind, metadata and spec",
    ]],
    ["an alias bomb", { "bomb.yaml": `a: &a [x, x, x, x, x, x, x, x, x, x]\n${[1, 2, 3, 4, 5, 6, 7].map((i) => `a${i}: &a${i} [${Array(10).fill(i === 1 ? "*a" : `*a${i - 1}`).join(", ")}]`).join("\n")}\nkind: *a7\n` }, [
      "bomb.yaml:1:1: Excessive alias count indicates a resource exhaustion attack",
    ]],
    ["bad YAML", { "web.yaml": `${service("web")}  args: [oops\n` }, ["web.yaml:9:1: Flow sequence in block collection must be sufficiently indented and end with a ]"]],
    [
      "a name used in two files",
      { "a.yaml": service("web"), "b.yaml": `# again\n${service("web")}` },
      ['b.yaml:5:9: metadata.name: duplicate Service "web"; first defined at a.yaml:4'],
    ],
    [
      "a name used twice in one file",
      { "a.yaml": `${service("web")}---\n${service("web")}` },
      ['a.yaml:12:9: metadata.name: duplicate Service "web"; first defined at line 4'],
    ],
    [
      "dependsOn naming a Service that does not exist",
      { "web.yaml": service("web", "  dependsOn: [db, cache]\n") },
      [
        'web.yaml:8:15: spec.dependsOn[0]: no Service "db" in this application',
        'web.yaml:8:19: spec.dependsOn[1]: no Service "cache" in this application',
      ],
    ],
    [
      "a dependency cycle",
      {
        "a.yaml": service("api", "  dependsOn: [db]\n"),
        "b.yaml": service("db", "  dependsOn: [queue]\n"),
        "c.yaml": service("queue", "  dependsOn: [api]\n"),
      },
      ["c.yaml:8:15: spec.dependsOn[0]: dependency cycle: api -> db -> queue -> api"],
    ],
    [
      "two Services on one port",
      { "a.yaml": service("api", "  ports: [{ port: 8080 }]\n"), "b.yaml": service("web", "  ports: [{ port: 80 }, { port: 8080 }]\n") },
      ['b.yaml:8:33: spec.ports[1].port: port 8080 is already used by Service "api" (a.yaml)'],
    ],
  ])("reports %s", async (_name, files, problems) => {
    await write(files);

    expect(problemsOf(await renderServices(dir, "."))).toEqual(problems);
  });

  it("reports the problems of every file at once, in file order", async () => {
    await write({
      "b.yaml": `${service("web", "  ports: [{ port: 80 }]\n")}---\napiVersion: ferry/v1alpha1\nkind: Application\nmetadata:\n  name: x\nspec:\n  source: { repoURL: /srv/x }\n`,
      "a.yaml": service("api", "  stopSignal: TERM\n"),
      "c.yaml": service("admin", "  ports: [{ port: 80 }]\n  dependsOn: [admin2, admin3]\n---\n" + service("admin2", "  dependsOn: [admin]\n")),
    });

    const problems = problemsOf(await renderServices(dir, "."));

    expect(problems.map((p) => p.split(": ").slice(0, 2).join(": "))).toEqual([
      "a.yaml:8:15: spec.stopSignal",
      "b.yaml:11:7: kind",
      "c.yaml:8:19: spec.ports[0].port",
      "c.yaml:18:15: spec.dependsOn[0]",
    ]);
  });

  it("does not blame dependsOn for a Service whose own file has problems", async () => {
    await write({ "web.yaml": service("web", "  dependsOn: [db]\n"), "db.yaml": service("db", "  replicas: lots\n") });

    expect(problemsOf(await renderServices(dir, "."))).toEqual(["db.yaml:8:13: spec.replicas: must be a whole number from 0 to 1000"]);
  });

  it.each<[string, string, string]>([
    ["a path that does not exist", "apps/missing", "apps/missing: no such directory in the repository"],
    ["a path naming a file", "web.yaml", "web.yaml: must be a directory of *.yaml files, not a file"],
    ["a path leaving the repository", "apps/../..", "apps/../..: application path must not contain '..': it names a folder inside the repository"],
    ["an absolute path", "/etc", "/etc: application path must be relative to the top of the repository, e.g. \"apps/shop\""],
    ["a symbolic link out of the repository", "escape", "escape: leads outside the repository through a symbolic link"],
  ])("refuses %s", async (_name, path, problem) => {
    await write({ "web.yaml": service("web") });
    await symlink(tmpdir(), join(dir, "escape"));

    expect(problemsOf(await renderServices(dir, path))).toEqual([problem]);
  });

  it("skips symbolic links inside the path", async () => {
    const outside = await mkdtemp(join(tmpdir(), "ferry-outside-"));
    try {
      await writeFile(join(outside, "secret.yaml"), service("secret"));
      await write({ "apps/web.yaml": service("web") });
      await symlink(join(outside, "secret.yaml"), join(dir, "apps", "secret.yaml"));
      await symlink(outside, join(dir, "apps", "linked"));

      expect(namesOf(await renderServices(dir, "apps"))).toEqual(["web"]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
