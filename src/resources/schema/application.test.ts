import { describe, expect, it } from "vitest";
import { jsonSchemaFor } from "../json-schema.js";
import { lookupKind } from "../kinds.js";
import { loadResources } from "../load.js";
import type { ResourceProblem } from "../resource-problem.js";

interface ObjectSchema {
  required?: string[];
  properties: Record<string, ObjectSchema & { default?: unknown; description?: string }>;
}

/** An Application document whose spec body starts on line 5. */
function applicationYaml(spec: string): string {
  return `apiVersion: ferry/v1alpha1
kind: Application
metadata:
  name: shop
spec:
${spec}`;
}

function problemsOf(text: string): ResourceProblem[] {
  const result = loadResources(text, "app.yaml");
  if (result.ok) throw new Error("expected problems, got none");
  return result.errors;
}

const SOURCE = "  source:\n    repoURL: https://git.example.com/acme/config.git\n";

describe("Application", () => {
  it("applies defaults to a minimal application", () => {
    const result = loadResources(applicationYaml(SOURCE), "app.yaml");

    expect(result).toEqual({
      ok: true,
      resources: [
        {
          apiVersion: "ferry/v1alpha1",
          kind: "Application",
          metadata: { name: "shop" },
          spec: {
            source: { repoURL: "https://git.example.com/acme/config.git", path: ".", targetRevision: "HEAD" },
            destination: { agent: "local", runtime: "process" },
            syncPolicy: {},
            refreshInterval: "30s",
            dependsOn: [],
          },
        },
      ],
    });
  });

  it("keeps every field that is written and fills defaults inside automated", () => {
    const result = loadResources(
      applicationYaml(`  source:
    repoURL: git@example.com:acme/config.git
    path: envs/staging/shop
    targetRevision: release/2.x
  destination:
    agent: staging-eu
    runtime: podman
  syncPolicy:
    automated: { prune: true }
  refreshInterval: 5m
  dependsOn: [database, queue]
`),
      "app.yaml",
    );

    expect(result.ok && result.resources[0]?.spec).toEqual({
      source: { repoURL: "git@example.com:acme/config.git", path: "envs/staging/shop", targetRevision: "release/2.x" },
      destination: { agent: "staging-eu", runtime: "podman" },
      syncPolicy: { automated: { prune: true, selfHeal: false, allowEmpty: false } },
      refreshInterval: "5m",
      dependsOn: ["database", "queue"],
    });
  });

  it.each(["apps/shop", "./apps/shop", "apps/shop/", "a.b/c..d", "."])("accepts the path %j", (path) => {
    const result = loadResources(applicationYaml(`${SOURCE}    path: "${path}"\n`), "app.yaml");
    expect(result.ok).toBe(true);
  });

  it.each(["main", "v1.2.0", "release/2.x", "refs/heads/main", "3f2a9c1", "HEAD"])("accepts the revision %j", (revision) => {
    const result = loadResources(applicationYaml(`${SOURCE}    targetRevision: "${revision}"\n`), "app.yaml");
    expect(result.ok).toBe(true);
  });

  it.each<[string, string, number, number, string, string]>([
    ["source missing", "  dependsOn: []\n", 5, 1, "spec.source", "is required"],
    ["repoURL missing", "  source:\n    path: apps\n", 6, 3, "spec.source.repoURL", "is required"],
    ["repoURL not Git", "  source:\n    repoURL: ftp://example.com/c.git\n", 7, 14, "spec.source.repoURL", 'unsupported scheme "ftp://"'],
    ["path absolute", `${SOURCE}    path: /etc\n`, 8, 11, "spec.source.path", "must be relative"],
    ["path escaping", `${SOURCE}    path: apps/../../etc\n`, 8, 11, "spec.source.path", "must not contain '..'"],
    ["path empty", `${SOURCE}    path: ""\n`, 8, 11, "spec.source.path", "must not be empty"],
    ["revision an option", `${SOURCE}    targetRevision: --upload-pack=x\n`, 8, 21, "spec.source.targetRevision", "must not start with '-'"],
    ["revision with a space", `${SOURCE}    targetRevision: "main branch"\n`, 8, 21, "spec.source.targetRevision", "no spaces"],
    ["revision a range", `${SOURCE}    targetRevision: main..dev\n`, 8, 21, "spec.source.targetRevision", "as git accepts it"],
    ["runtime unknown", `${SOURCE}  destination:\n    runtime: docker\n`, 9, 14, "spec.destination.runtime", 'one of "process", "podman"'],
    ["agent not a name", `${SOURCE}  destination:\n    agent: Prod_1\n`, 9, 12, "spec.destination.agent", "must be the name of an agent"],
    ["prune not a boolean", `${SOURCE}  syncPolicy:\n    automated:\n      prune: yes\n`, 10, 14, "spec.syncPolicy.automated.prune", "expected a boolean"],
    ["unknown policy field", `${SOURCE}  syncPolicy:\n    automated:\n      selfheal: true\n`, 10, 7, "spec.syncPolicy.automated.selfheal", "unknown field"],
    ["refreshInterval too short", `${SOURCE}  refreshInterval: 100ms\n`, 8, 20, "spec.refreshInterval", "at least 1s"],
    ["dependsOn a bad name", `${SOURCE}  dependsOn: [Billing]\n`, 8, 15, "spec.dependsOn[0]", "must be lowercase"],
    ["dependsOn twice", `${SOURCE}  dependsOn: [db, db]\n`, 8, 3, "spec.dependsOn", "twice"],
    ["dependsOn itself", `${SOURCE}  dependsOn: [db, shop]\n`, 8, 19, "spec.dependsOn[1]", "cannot depend on itself"],
  ])("%s", (_name, spec, line, column, path, message) => {
    const problems = problemsOf(applicationYaml(spec));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "app.yaml", line, column, path });
    expect(problems[0]?.message).toContain(message);
  });

  it("reports every problem at once, in file order", () => {
    const problems = problemsOf(
      applicationYaml(`  source:
    repoURL: ftp://x
    path: /abs
  destination:
    runtime: k8s
  refreshInterval: often
  dependsOn: [shop]
`),
    );

    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [7, "spec.source.repoURL"],
      [8, "spec.source.path"],
      [10, "spec.destination.runtime"],
      [11, "spec.refreshInterval"],
      [12, "spec.dependsOn[0]"],
    ]);
  });
});

describe("Application kind", () => {
  it.each(["Application", "applications", "app", "apps", " APP "])("is found as %j", (alias) => {
    expect(lookupKind(alias)?.kind).toBe("Application");
  });

  it("lists repository, path and runtime in tables", () => {
    expect(lookupKind("app")?.columns?.map((c) => c.header)).toEqual(["REPO", "PATH", "RUNTIME"]);
  });

  it("publishes a JSON Schema that requires only source.repoURL and shows the defaults", () => {
    const schema = jsonSchemaFor("Application") as unknown as ObjectSchema;
    const spec = schema.properties.spec;

    expect(spec?.required).toEqual(["source"]);
    expect(spec?.properties.source?.required).toEqual(["repoURL"]);
    expect(spec?.properties.source?.properties.path?.default).toBe(".");
    expect(spec?.properties.destination?.properties.runtime).toMatchObject({ enum: ["process", "podman"], default: "process" });
    expect(spec?.properties.refreshInterval?.default).toBe("30s");
    for (const [field, property] of Object.entries(spec?.properties ?? {})) expect(property.description, field).toBeTruthy();
  });
});
