import { describe, expect, it } from "vitest";
import { jsonSchemaFor } from "../json-schema.js";
import { lookupKind } from "../kinds.js";
import { loadResources } from "../load.js";
import type { ResourceProblem } from "../resource-problem.js";

interface ObjectSchema {
  required?: string[];
  properties: Record<string, ObjectSchema & { default?: unknown; description?: string; items?: ObjectSchema }>;
}

/** A Warehouse document whose spec body starts on line 6. */
function warehouseYaml(spec: string): string {
  return `apiVersion: ferry/v1alpha1
kind: Warehouse
metadata:
  name: shop
spec:
${spec}`;
}

function problemsOf(text: string): ResourceProblem[] {
  const result = loadResources(text, "wh.yaml");
  if (result.ok) throw new Error("expected problems, got none");
  return result.errors;
}

function specOf(spec: string): unknown {
  const result = loadResources(warehouseYaml(spec), "wh.yaml");
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join("\n"));
  return result.resources[0]?.spec;
}

const ARTIFACT = "  subscriptions:\n    - artifact:\n        repoURL: localhost:7000/team/web\n";

describe("Warehouse", () => {
  it("applies defaults to a minimal warehouse", () => {
    expect(specOf(ARTIFACT)).toEqual({
      subscriptions: [{ artifact: { repoURL: "localhost:7000/team/web", strategy: "NewestBuild", discoveryLimit: 20 } }],
      freightCreationPolicy: "Automatic",
      interval: "5m",
    });
  });

  it("keeps every field that is written, for each kind of subscription", () => {
    const spec = specOf(`  subscriptions:
    - artifact:
        repoURL: registry.example.com:5000/team/web
        semverConstraint: ^1.2.0
        tagPattern: "^v?1\\\\."
        discoveryLimit: 5
    - image:
        repoURL: nginx
        strategy: Lexical
    - git:
        repoURL: https://git.example.com/acme/config.git
        branch: release/2.x
        includePaths: ["apps/shop/**"]
        excludePaths: ["**/*.md"]
  freightCreationPolicy: Manual
  interval: 1m
`);

    expect(spec).toEqual({
      subscriptions: [
        {
          artifact: {
            repoURL: "registry.example.com:5000/team/web",
            semverConstraint: "^1.2.0",
            tagPattern: "^v?1\\.",
            strategy: "SemVer",
            discoveryLimit: 5,
          },
        },
        { image: { repoURL: "nginx", strategy: "Lexical", discoveryLimit: 20 } },
        {
          git: {
            repoURL: "https://git.example.com/acme/config.git",
            branch: "release/2.x",
            includePaths: ["apps/shop/**"],
            excludePaths: ["**/*.md"],
          },
        },
      ],
      freightCreationPolicy: "Manual",
      interval: "1m",
    });
  });

  it.each<[string, string, string]>([
    ["a semverConstraint picks SemVer", "semverConstraint: '>=2 <3'", "SemVer"],
    ["no constraint picks NewestBuild", "discoveryLimit: 3", "NewestBuild"],
    ["an explicit strategy wins", "strategy: Lexical", "Lexical"],
    ["SemVer without a constraint", "strategy: SemVer", "SemVer"],
  ])("strategy: %s", (_name, line, strategy) => {
    const spec = specOf(`  subscriptions:\n    - image:\n        repoURL: ghcr.io/acme/web\n        ${line}\n`);
    expect(spec).toMatchObject({ subscriptions: [{ image: { strategy } }] });
  });

  it("defaults the branch of a Git subscription to main", () => {
    expect(specOf("  subscriptions:\n    - git: { repoURL: /srv/git/config.git }\n")).toMatchObject({
      subscriptions: [{ git: { repoURL: "/srv/git/config.git", branch: "main" } }],
    });
  });

  it.each<[string, string, number, number, string, string]>([
    ["subscriptions missing", "  interval: 5m\n", 5, 1, "spec.subscriptions", "is required"],
    ["no subscriptions", "  subscriptions: []\n", 6, 3, "spec.subscriptions", "at least one subscription"],
    ["empty subscription", "  subscriptions:\n    - {}\n", 7, 7, "spec.subscriptions[0]", "must set one of artifact, image or git"],
    [
      "two sources in one subscription",
      `${ARTIFACT}      git: { repoURL: /srv/config }\n`,
      9,
      7,
      "spec.subscriptions[0].git",
      "must not be set together with artifact",
    ],
    ["artifact without host", "  subscriptions:\n    - artifact: { repoURL: team/web }\n", 7, 28, "spec.subscriptions[0].artifact.repoURL", "registry host"],
    ["artifact name alone", "  subscriptions:\n    - artifact: { repoURL: web }\n", 7, 28, "spec.subscriptions[0].artifact.repoURL", "registry host"],
    ["artifact with a tag", "  subscriptions:\n    - artifact: { repoURL: 'localhost:7000/web:1.0' }\n", 7, 28, "spec.subscriptions[0].artifact.repoURL", "without a tag or digest"],
    ["artifact with capitals", "  subscriptions:\n    - artifact: { repoURL: localhost:7000/Web }\n", 7, 28, "spec.subscriptions[0].artifact.repoURL", "not a repository name"],
    ["image with a digest", `  subscriptions:\n    - image: { repoURL: 'nginx@sha256:${"a".repeat(64)}' }\n`, 7, 25, "spec.subscriptions[0].image.repoURL", "without a tag or digest"],
    ["bad semver range", "  subscriptions:\n    - image: { repoURL: nginx, semverConstraint: 'one point two' }\n", 7, 50, "spec.subscriptions[0].image.semverConstraint", "semantic version range"],
    [
      "constraint with another strategy",
      "  subscriptions:\n    - image: { repoURL: nginx, semverConstraint: ^1.0.0, strategy: Lexical }\n",
      7,
      50,
      "spec.subscriptions[0].image.semverConstraint",
      'applies only to strategy "SemVer"',
    ],
    ["bad tagPattern", "  subscriptions:\n    - image: { repoURL: nginx, tagPattern: 'v(' }\n", 7, 44, "spec.subscriptions[0].image.tagPattern", "must be a regular expression"],
    ["unknown strategy", "  subscriptions:\n    - image: { repoURL: nginx, strategy: Newest }\n", 7, 42, "spec.subscriptions[0].image.strategy", 'one of "SemVer", "NewestBuild", "Lexical"'],
    ["discoveryLimit zero", "  subscriptions:\n    - image: { repoURL: nginx, discoveryLimit: 0 }\n", 7, 48, "spec.subscriptions[0].image.discoveryLimit", "from 1 to 100"],
    ["git URL with a password", "  subscriptions:\n    - git: { repoURL: 'https://u:p@h/r.git' }\n", 7, 23, "spec.subscriptions[0].git.repoURL", "must not contain a password"],
    ["git branch an option", "  subscriptions:\n    - git: { repoURL: /srv/c, branch: --all }\n", 7, 39, "spec.subscriptions[0].git.branch", "must not start with '-'"],
    ["git includePaths escaping", "  subscriptions:\n    - git: { repoURL: /srv/c, includePaths: [../x] }\n", 7, 46, "spec.subscriptions[0].git.includePaths[0]", "must not contain '..'"],
    [
      "the same source twice",
      "  subscriptions:\n    - image: { repoURL: nginx }\n    - image: { repoURL: nginx, strategy: Lexical }\n",
      8,
      7,
      "spec.subscriptions[1]",
      "same source as subscriptions[0]",
    ],
    ["unknown policy", `${ARTIFACT}  freightCreationPolicy: Auto\n`, 9, 26, "spec.freightCreationPolicy", 'one of "Automatic", "Manual"'],
    ["interval too short", `${ARTIFACT}  interval: 1s\n`, 9, 13, "spec.interval", "at least 10s"],
  ])("%s", (_name, spec, line, column, path, message) => {
    const problems = problemsOf(warehouseYaml(spec));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "wh.yaml", line, column, path });
    expect(problems[0]?.message).toContain(message);
  });

  it("names an unknown kind of source and says which kinds there are", () => {
    const problems = problemsOf(warehouseYaml("  subscriptions:\n    - helm: { repoURL: x }\n"));

    expect(problems.map((p) => [p.line, p.column, p.path, p.message])).toEqual([
      [7, 7, "spec.subscriptions[0].helm", "unknown field"],
      [7, 7, "spec.subscriptions[0]", "must set one of artifact, image or git"],
    ]);
  });

  it("takes the same Git repository twice on different branches", () => {
    expect(() => specOf("  subscriptions:\n    - git: { repoURL: /srv/c }\n    - git: { repoURL: /srv/c, branch: dev }\n")).not.toThrow();
  });

  it("reports every problem at once, in file order", () => {
    const problems = problemsOf(
      warehouseYaml(`  subscriptions:
    - artifact: { repoURL: web }
    - {}
    - git: { repoURL: ftp://x }
  interval: often
`),
    );

    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [7, "spec.subscriptions[0].artifact.repoURL"],
      [8, "spec.subscriptions[1]"],
      [9, "spec.subscriptions[2].git.repoURL"],
      [10, "spec.interval"],
    ]);
  });
});

describe("Warehouse kind", () => {
  it.each(["Warehouse", "warehouses", "wh", " WAREHOUSE "])("is found as %j", (alias) => {
    expect(lookupKind(alias)?.kind).toBe("Warehouse");
  });

  it("publishes a JSON Schema that requires only subscriptions and describes every field", () => {
    const schema = jsonSchemaFor("Warehouse") as unknown as ObjectSchema;
    const spec = schema.properties.spec;
    const subscription = spec?.properties.subscriptions?.items;

    expect(spec?.required).toEqual(["subscriptions"]);
    expect(spec?.properties.interval?.default).toBe("5m");
    expect(subscription?.properties.artifact?.required).toEqual(["repoURL"]);
    expect(subscription?.properties.artifact?.properties.discoveryLimit?.default).toBe(20);
    expect(subscription?.properties.git?.properties.branch?.default).toBe("main");
    for (const [field, property] of Object.entries(spec?.properties ?? {})) expect(property.description, field).toBeTruthy();
    for (const kind of ["artifact", "image", "git"]) {
      for (const [field, property] of Object.entries(subscription?.properties[kind]?.properties ?? {})) {
        expect(property.description, `${kind}.${field}`).toBeTruthy();
      }
    }
  });
});
