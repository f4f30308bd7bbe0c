import { describe, expect, it } from "vitest";
import { loadResources } from "../load.js";
import type { ResourceProblem } from "../resource-problem.js";

/** A Repository document whose spec body starts on line 5. */
function repositoryYaml(spec: string): string {
  return `apiVersion: ferry/v1alpha1
kind: Repository
metadata:
  name: shop
spec:
${spec}`;
}

function problemsOf(text: string): ResourceProblem[] {
  const result = loadResources(text, "repo.yaml");
  if (result.ok) throw new Error("expected problems, got none");
  return result.errors;
}

describe("Repository", () => {
  it("applies defaults to a minimal repository", () => {
    const result = loadResources(repositoryYaml("  url: https://example.com/acme/shop.git\n"), "repo.yaml");

    expect(result).toEqual({
      ok: true,
      resources: [
        {
          apiVersion: "ferry/v1alpha1",
          kind: "Repository",
          metadata: { name: "shop" },
          spec: { url: "https://example.com/acme/shop.git", branches: ["**"], tags: true, pollInterval: "30s" },
        },
      ],
    });
  });

  it("keeps every field that is written", () => {
    const result = loadResources(
      `apiVersion: ferry/v1alpha1
kind: Repository
metadata:
  name: shop
  labels: { team: payments }
  annotations: { owner: "ops@example.com" }
spec:
  url: git@example.com:acme/shop.git
  branches: [main, "release/**", "!release/old"]
  tags: ["v*"]
  pollInterval: 5m
  webhook: { secretRef: SHOP_WEBHOOK, provider: forgejo }
  credentialsRef: shop_deploy_key
  statusReporting:
    provider: gitea
    apiUrl: https://git.example.com/api/v1
    tokenRef: SHOP_STATUS_TOKEN
    owner: acme
    repo: shop
`,
      "repo.yaml",
    );

    expect(result.ok && result.resources[0]).toEqual({
      apiVersion: "ferry/v1alpha1",
      kind: "Repository",
      metadata: { name: "shop", labels: { team: "payments" }, annotations: { owner: "ops@example.com" } },
      spec: {
        url: "git@example.com:acme/shop.git",
        branches: ["main", "release/**", "!release/old"],
        tags: ["v*"],
        pollInterval: "5m",
        webhook: { secretRef: "SHOP_WEBHOOK", provider: "forgejo" },
        credentialsRef: "shop_deploy_key",
        statusReporting: {
          provider: "gitea",
          apiUrl: "https://git.example.com/api/v1",
          tokenRef: "SHOP_STATUS_TOKEN",
          owner: "acme",
          repo: "shop",
        },
      },
    });
  });

  it.each([
    ["tags: false", false],
    ["tags: true", true],
    ["tags: []", []],
    ["branches: []", undefined],
  ])("accepts %s", (line, tags) => {
    const result = loadResources(repositoryYaml(`  url: /srv/git/shop.git\n  ${line}\n`), "repo.yaml");
    expect(result.ok).toBe(true);
    const resource = result.ok ? result.resources[0] : undefined;
    if (resource?.kind === "Repository" && tags !== undefined) expect(resource.spec.tags).toEqual(tags);
  });

  it.each<[string, string, number, number, string, string]>([
    ["url missing", "  branches: [main]\n", 5, 1, "spec.url", "is required"],
    ["url not a Git URL", "  url: ftp://example.com/shop.git\n", 6, 8, "spec.url", 'unsupported scheme "ftp://"'],
    ["url with a password", "  url: https://bot:hunter2@example.com/shop.git\n", 6, 8, "spec.url", "credentialsRef"],
    ["url a number", "  url: 42\n", 6, 8, "spec.url", "expected a string, got number 42"],
    ["branches not a list", "  url: /srv/shop\n  branches: main\n", 7, 13, "spec.branches", "expected a list"],
    ["empty branch pattern", "  url: /srv/shop\n  branches: [main, '']\n", 7, 20, "spec.branches[1]", "must not be empty"],
    ["tags a string", "  url: /srv/shop\n  tags: yes\n", 7, 9, "spec.tags", "must be true, false or a list"],
    ["pollInterval without unit", "  url: /srv/shop\n  pollInterval: 30\n", 7, 17, "spec.pollInterval", "expected a string"],
    ["pollInterval bad unit", "  url: /srv/shop\n  pollInterval: 5d\n", 7, 17, "spec.pollInterval", "must be a duration"],
    ["pollInterval under 1s", "  url: /srv/shop\n  pollInterval: 500ms\n", 7, 17, "spec.pollInterval", "at least 1s"],
    ["pollInterval over 24h", "  url: /srv/shop\n  pollInterval: 25h\n", 7, 17, "spec.pollInterval", "at most 24h"],
    ["webhook provider", "  url: /srv/shop\n  webhook:\n    provider: bitbucket\n", 8, 15, "spec.webhook.provider", 'one of "github"'],
    ["webhook secretRef", "  url: /srv/shop\n  webhook:\n    secretRef: 'a b'\n", 8, 16, "spec.webhook.secretRef", "name of a secret"],
    ["credentialsRef empty", "  url: /srv/shop\n  credentialsRef: ''\n", 7, 19, "spec.credentialsRef", "name of a secret"],
    ["credentialsRef with '-'", "  url: /srv/shop\n  credentialsRef: deploy-key\n", 7, 19, "spec.credentialsRef", "name of a secret"],
    ["credentialsRef starting with a digit", "  url: /srv/shop\n  credentialsRef: 1KEY\n", 7, 19, "spec.credentialsRef", "not starting with a digit"],
    ["credentialsRef reserved", "  url: /srv/shop\n  credentialsRef: github_token\n", 7, 19, "spec.credentialsRef", "GITHUB_"],
    [
      "statusReporting apiUrl",
      "  url: /srv/shop\n  statusReporting:\n    provider: github\n    apiUrl: ftp://api\n    tokenRef: T\n    owner: a\n    repo: b\n",
      9,
      13,
      "spec.statusReporting.apiUrl",
      "http:// or https://",
    ],
    [
      "statusReporting provider",
      "  url: /srv/shop\n  statusReporting:\n    provider: gitlab\n    apiUrl: https://api\n    tokenRef: T\n    owner: a\n    repo: b\n",
      8,
      15,
      "spec.statusReporting.provider",
      'one of "github", "gitea"',
    ],
    [
      "statusReporting tokenRef missing",
      "  url: /srv/shop\n  statusReporting:\n    provider: github\n    apiUrl: https://api\n    owner: a\n    repo: b\n",
      7,
      3,
      "spec.statusReporting.tokenRef",
      "is required",
    ],
    ["unknown spec field", "  url: /srv/shop\n  interval: 5m\n", 7, 3, "spec.interval", "unknown field"],
    ["unknown webhook field", "  url: /srv/shop\n  webhook:\n    secret: s3cr3t\n", 8, 5, "spec.webhook.secret", "unknown field"],
  ])("%s", (_name, spec, line, column, path, message) => {
    const problems = problemsOf(repositoryYaml(spec));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "repo.yaml", line, column, path });
    expect(problems[0]?.message).toContain(message);
  });

  it.each<[string, string, number, string, string]>([
    ["name with capitals", "name: Shop", 4, "metadata.name", "must be lowercase"],
    ["name too long", `name: ${"a".repeat(64)}`, 4, "metadata.name", "at most 63 characters"],
    ["name ending in '-'", "name: shop-", 4, "metadata.name", "must be lowercase"],
    ["label value a number", "name: shop\n  labels: { tier: 1 }", 5, "metadata.labels.tier", "expected a string"],
    ["unknown metadata field", "name: shop\n  namespace: default", 5, "metadata.namespace", "unknown field"],
  ])("metadata: %s", (_name, metadata, line, path, message) => {
    const problems = problemsOf(
      `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  ${metadata}\nspec:\n  url: /srv/shop\n`,
    );

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line, path });
    expect(problems[0]?.message).toContain(message);
  });

  it("reports every problem of a document at once, in file order", () => {
    const problems = problemsOf(`apiVersion: ferry/v1
kind: Repository
metadata:
  name: Shop
spec:
  url: ftp://example.com/shop
  pollInterval: soon
  tags: maybe
  extra: 1
`);

    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [1, "apiVersion"],
      [4, "metadata.name"],
      [6, "spec.url"],
      [7, "spec.pollInterval"],
      [8, "spec.tags"],
      [9, "spec.extra"],
    ]);
  });
});
