import { describe, expect, it } from "vitest";
import { createStepRegistry } from "./create-step-registry.js";
import { stepJsonSchemas } from "./step-json-schemas.js";

describe("stepJsonSchemas", () => {
  it("describes every built-in step's config for editors and the dashboard", () => {
    const schemas = stepJsonSchemas(createStepRegistry());
    expect(Object.keys(schemas).sort()).toEqual(["git-clone", "git-commit", "git-push", "http", "run", "wait-for-sync", "yaml-update"]);
    expect(schemas["git-clone"]).toMatchObject({ type: "object", required: ["repoURL", "path"], additionalProperties: false });
    expect(schemas["git-push"]).toMatchObject({ properties: { retries: { default: 5 } } });
  });
});
