import { describe, expect, it } from "vitest";
import { jsonSchemaFor } from "../json-schema.js";
import { lookupKind } from "../kinds.js";
import { loadResources } from "../load.js";
import type { ResourceProblem } from "../resource-problem.js";

interface ObjectSchema {
  required?: string[];
  properties: Record<string, ObjectSchema & { default?: unknown; description?: string; items?: ObjectSchema }>;
}

/** A Stage named "prod" whose spec body starts on line 6. */
function stageYaml(spec: string): string {
  return `apiVersion: ferry/v1alpha1
kind: Stage
metadata:
  name: prod
spec:
${spec}`;
}

function problemsOf(text: string): ResourceProblem[] {
  const result = loadResources(text, "stage.yaml");
  if (result.ok) throw new Error("expected problems, got none");
  return result.errors;
}

function specOf(spec: string): unknown {
  const result = loadResources(stageYaml(spec), "stage.yaml");
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join("\n"));
  return result.resources[0]?.spec;
}

/** requestedFreight on lines 6-8, promotionTemplate on lines 9-11. */
const MINIMAL = `  requestedFreight:
    - origin: { warehouse: shop }
      sources: { direct: true }
  promotionTemplate:
    steps:
      - uses: git-clone
`;

describe("Stage", () => {
  it("applies defaults to a minimal stage", () => {
    expect(specOf(MINIMAL)).toEqual({
      requestedFreight: [{ origin: { warehouse: "shop" }, sources: { direct: true, stages: [] } }],
      promotionTemplate: { steps: [{ uses: "git-clone", config: {} }] },
      autoPromotion: false,
      approval: { required: false, allowSelfApproval: false },
    });
  });

  it("keeps every field that is written and fills defaults inside verification", () => {
    const spec = specOf(`  requestedFreight:
    - origin: { warehouse: shop }
      sources: { stages: [test, staging], requiredSoakTime: 1h }
  promotionTemplate:
    steps:
      - uses: git-clone
        as: clone
        config: { repoURL: "https://git.example.com/acme/config.git", checkout: [{ branch: main, path: ./src }] }
        timeout: 2m
      - uses: yaml-update
        config: { path: "./src/prod/shop.yaml", updates: [{ key: spec.image, value: "\${{ freight.images[0].digest }}" }] }
  autoPromotion: true
  approval:
    required: true
    approvers: [alice, release-bot]
    allowSelfApproval: true
  verification:
    checks:
      - http: { url: "https://shop.example.com/healthz", expectStatus: 200, expectBodyContains: ok }
      - run: { command: [./smoke-test, --env, prod] }
    timeout: 10m
  application: shop-prod
`);

    expect(spec).toEqual({
      requestedFreight: [{ origin: { warehouse: "shop" }, sources: { direct: false, stages: ["test", "staging"], requiredSoakTime: "1h" } }],
      promotionTemplate: {
        steps: [
          {
            uses: "git-clone",
            as: "clone",
            config: { repoURL: "https://git.example.com/acme/config.git", checkout: [{ branch: "main", path: "./src" }] },
            timeout: "2m",
          },
          {
            uses: "yaml-update",
            config: { path: "./src/prod/shop.yaml", updates: [{ key: "spec.image", value: "${{ freight.images[0].digest }}" }] },
          },
        ],
      },
      autoPromotion: true,
      approval: { required: true, approvers: ["alice", "release-bot"], allowSelfApproval: true },
      verification: {
        checks: [
          { http: { url: "https://shop.example.com/healthz", expectStatus: 200, expectBodyContains: "ok", timeout: "10s" } },
          { run: { command: ["./smoke-test", "--env", "prod"] } },
        ],
        timeout: "10m",
      },
      application: "shop-prod",
    });
  });

  it("accepts freight of several warehouses, each from its own sources", () => {
    const spec = specOf(`  requestedFreight:
    - origin: { warehouse: shop }
      sources: { direct: true, stages: [staging] }
    - origin: { warehouse: billing }
      sources: { stages: [staging] }
  promotionTemplate: { steps: [{ uses: git-clone }] }
`);
    expect(spec).toMatchObject({ requestedFreight: [{ origin: { warehouse: "shop" } }, { origin: { warehouse: "billing" } }] });
  });

  it.each<[string, string, number, number, string, string]>([
    ["requestedFreight missing", "  promotionTemplate: { steps: [{ uses: git-clone }] }\n", 5, 1, "spec.requestedFreight", "is required"],
    ["no freight requested", "  requestedFreight: []\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n", 6, 3, "spec.requestedFreight", "at least one warehouse"],
    [
      "no sources",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: {}\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      8,
      7,
      "spec.requestedFreight[0].sources",
      "must accept freight directly (direct: true) or from upstream stages",
    ],
    [
      "direct: false and no stages",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { direct: false }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      8,
      7,
      "spec.requestedFreight[0].sources",
      "must accept freight directly",
    ],
    [
      "soak time without stages",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { direct: true, requiredSoakTime: 1h }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      8,
      50,
      "spec.requestedFreight[0].sources.requiredSoakTime",
      "applies only to freight from upstream stages",
    ],
    [
      "soak time not a duration",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { stages: [qa], requiredSoakTime: 1d }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      8,
      50,
      "spec.requestedFreight[0].sources.requiredSoakTime",
      "must be a duration",
    ],
    [
      "upstream stage named twice",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { stages: [qa, qa] }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      8,
      18,
      "spec.requestedFreight[0].sources.stages",
      "must not name a Stage twice",
    ],
    [
      "its own upstream",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { stages: [qa, prod] }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      8,
      31,
      "spec.requestedFreight[0].sources.stages[1]",
      "cannot be its own upstream",
    ],
    [
      "warehouse not a name",
      "  requestedFreight:\n    - origin: { warehouse: Shop }\n      sources: { direct: true }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      7,
      28,
      "spec.requestedFreight[0].origin.warehouse",
      "must be lowercase",
    ],
    [
      "warehouse requested twice",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { direct: true }\n    - origin: { warehouse: shop }\n      sources: { stages: [qa] }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n",
      9,
      28,
      "spec.requestedFreight[1].origin.warehouse",
      "already requested in requestedFreight[0]",
    ],
    ["promotionTemplate missing", "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { direct: true }\n", 5, 1, "spec.promotionTemplate", "is required"],
    [
      "no steps",
      "  requestedFreight:\n    - origin: { warehouse: shop }\n      sources: { direct: true }\n  promotionTemplate: { steps: [] }\n",
      9,
      24,
      "spec.promotionTemplate.steps",
      "at least one step",
    ],
    ["uses not a step name", `${MINIMAL}      - uses: Git_Push\n`, 12, 15, "spec.promotionTemplate.steps[1].uses", "must be the name of a promotion step"],
    ["step without uses", `${MINIMAL}      - as: push\n`, 12, 9, "spec.promotionTemplate.steps[1].uses", "is required"],
    ["alias with a dash", `${MINIMAL}        as: my-clone\n`, 12, 13, "spec.promotionTemplate.steps[0].as", "letters, digits and '_'"],
    ["alias twice", `${MINIMAL}        as: a\n      - uses: git-push\n        as: a\n`, 14, 13, "spec.promotionTemplate.steps[1].as", "already names steps[0]"],
    ["config not a mapping", `${MINIMAL}        config: [a]\n`, 12, 9, "spec.promotionTemplate.steps[0].config", "must be a mapping of the step's settings"],
    ["step timeout too long", `${MINIMAL}        timeout: 25h\n`, 12, 18, "spec.promotionTemplate.steps[0].timeout", "at most 24h"],
    ["autoPromotion a string", `${MINIMAL}  autoPromotion: "yes"\n`, 12, 18, "spec.autoPromotion", "expected a boolean"],
    ["approvers without required", `${MINIMAL}  approval: { approvers: [alice] }\n`, 12, 15, "spec.approval.approvers", "applies only with required: true"],
    ["self-approval without required", `${MINIMAL}  approval: { allowSelfApproval: true }\n`, 12, 34, "spec.approval.allowSelfApproval", "applies only with required: true"],
    ["approver twice", `${MINIMAL}  approval: { required: true, approvers: [bob, bob] }\n`, 12, 31, "spec.approval.approvers", "must not name an approver twice"],
    ["no checks", `${MINIMAL}  verification: { checks: [] }\n`, 12, 19, "spec.verification.checks", "at least one check"],
    ["empty check", `${MINIMAL}  verification:\n    checks: [{}]\n`, 13, 14, "spec.verification.checks[0]", "must set one of http or run"],
    [
      "http and run in one check",
      `${MINIMAL}  verification:\n    checks:\n      - http: { url: "https://x" }\n        run: { command: [/bin/true] }\n`,
      15,
      9,
      "spec.verification.checks[0].run",
      "must not be set together with http",
    ],
    ["check URL not http", `${MINIMAL}  verification:\n    checks: [{ http: { url: "ftp://x" } }]\n`, 13, 29, "spec.verification.checks[0].http.url", "http:// or https://"],
    ["check status out of range", `${MINIMAL}  verification:\n    checks: [{ http: { url: "https://x", expectStatus: 99 } }]\n`, 13, 56, "spec.verification.checks[0].http.expectStatus", "from 100 to 599"],
    ["run without a program", `${MINIMAL}  verification:\n    checks: [{ run: { command: [] } }]\n`, 13, 23, "spec.verification.checks[0].run.command", "must name a program"],
    ["run a string", `${MINIMAL}  verification:\n    checks: [{ run: { command: "curl x" } }]\n`, 13, 32, "spec.verification.checks[0].run.command", "expected a list"],
    ["application not a name", `${MINIMAL}  application: Shop\n`, 12, 16, "spec.application", "must be lowercase"],
    ["unknown field", `${MINIMAL}  autoPromote: true\n`, 12, 3, "spec.autoPromote", "unknown field"],
  ])("%s", (_name, spec, line, column, path, message) => {
    const problems = problemsOf(stageYaml(spec));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "stage.yaml", line, column, path });
    expect(problems[0]?.message).toContain(message);
  });

  it("refuses Kargo's origin shape and says what it expects instead", () => {
    const problems = problemsOf(
      stageYaml("  requestedFreight:\n    - origin: { kind: Warehouse, name: shop }\n      sources: { direct: true }\n  promotionTemplate: { steps: [{ uses: git-clone }] }\n"),
    );

    expect(problems.map((p) => [p.line, p.column, p.path, p.message])).toEqual([
      [7, 7, "spec.requestedFreight[0].origin.warehouse", "is required"],
      [7, 17, "spec.requestedFreight[0].origin.kind", "unknown field"],
      [7, 34, "spec.requestedFreight[0].origin.name", "unknown field"],
    ]);
  });

  it("reports every problem at once, in file order", () => {
    const problems = problemsOf(
      stageYaml(`  requestedFreight:
    - origin: { warehouse: Shop }
      sources: {}
  promotionTemplate:
    steps: [{ uses: "" }]
  approval: { approvers: [x] }
  verification: { checks: [{}] }
`),
    );

    expect(problems.map((p) => [p.line, p.path])).toEqual([
      [7, "spec.requestedFreight[0].origin.warehouse"],
      [8, "spec.requestedFreight[0].sources"],
      [10, "spec.promotionTemplate.steps[0].uses"],
      [11, "spec.approval.approvers"],
      [12, "spec.verification.checks[0]"],
    ]);
  });
});

describe("Stage kind", () => {
  it.each(["Stage", "stages", "stg", " STAGE "])("is found as %j", (alias) => {
    expect(lookupKind(alias)?.kind).toBe("Stage");
  });

  it("publishes a JSON Schema that requires requestedFreight and promotionTemplate and describes every field", () => {
    const schema = jsonSchemaFor("Stage") as unknown as ObjectSchema;
    const spec = schema.properties.spec;

    expect(spec?.required).toEqual(["requestedFreight", "promotionTemplate"]);
    expect(spec?.properties.autoPromotion?.default).toBe(false);
    expect(spec?.properties.promotionTemplate?.properties.steps?.items?.required).toEqual(["uses"]);
    for (const [field, property] of Object.entries(spec?.properties ?? {})) expect(property.description, field).toBeTruthy();
  });
});
