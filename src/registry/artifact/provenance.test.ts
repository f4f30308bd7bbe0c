import { describe, expect, it } from "vitest";
import { provenanceAnnotations, provenanceFromAnnotations, resolveProvenance } from "./provenance.js";

const step = { GITHUB_REPOSITORY: "acme/shop", GITHUB_SHA: "abc123", GITHUB_RUN_ID: "42", GITHUB_JOB: "build" };

describe("provenance", () => {
  it.each([
    ["nothing", {}, {}, {}],
    ["a workflow step's environment", {}, step, { repository: "acme/shop", commit: "abc123", run: "42", job: "build" }],
    ["options over the environment", { commit: "def456", job: "release" }, step, { repository: "acme/shop", commit: "def456", run: "42", job: "release" }],
    ["empty values as unset", { commit: "" }, { ...step, GITHUB_RUN_ID: "", GITHUB_JOB: "" }, { repository: "acme/shop", commit: "abc123" }],
  ])("resolves from %s", (_case, given, env, expected) => {
    expect(resolveProvenance(given, env)).toEqual(expected);
  });

  it("round-trips through annotations", () => {
    const p = { repository: "acme/shop", commit: "abc123", run: "42" };
    const annotations = provenanceAnnotations(p);

    expect(annotations).toEqual({ "dev.ferry.repository": "acme/shop", "dev.ferry.commit": "abc123", "dev.ferry.run": "42" });
    expect(provenanceFromAnnotations({ ...annotations, other: "x" })).toEqual(p);
  });
});
