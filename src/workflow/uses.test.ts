import { describe, it, expect } from "vitest";
import { checkUses, parseUses } from "./uses.js";
import type { UsesRef } from "./uses.js";

describe("parseUses", () => {
  it.each<[string, UsesRef]>([
    // {owner}/{repo}@{ref}
    ["actions/checkout@v4", { kind: "remote", owner: "actions", repo: "checkout", path: "", ref: "v4" }],
    ["actions/checkout@8f4b7f84864484a7bf31766abe9204da3cbe65b3", { kind: "remote", owner: "actions", repo: "checkout", path: "", ref: "8f4b7f84864484a7bf31766abe9204da3cbe65b3" }],
    ["actions/setup-node@v4.0.2", { kind: "remote", owner: "actions", repo: "setup-node", path: "", ref: "v4.0.2" }],
    ["actions/checkout@main", { kind: "remote", owner: "actions", repo: "checkout", path: "", ref: "main" }],
    ["my-org/my.repo_name@releases/v1", { kind: "remote", owner: "my-org", repo: "my.repo_name", path: "", ref: "releases/v1" }],
    ["  actions/checkout@v4  ", { kind: "remote", owner: "actions", repo: "checkout", path: "", ref: "v4" }],
    // {owner}/{repo}/{path}@{ref}
    ["actions/aws/ec2@main", { kind: "remote", owner: "actions", repo: "aws", path: "ec2", ref: "main" }],
    ["github/codeql-action/init@v3", { kind: "remote", owner: "github", repo: "codeql-action", path: "init", ref: "v3" }],
    ["octo-org/another-repo/.github/workflows/workflow.yml@v1", { kind: "remote", owner: "octo-org", repo: "another-repo", path: ".github/workflows/workflow.yml", ref: "v1" }],
    // local paths
    ["./.github/actions/my-action", { kind: "local", path: "./.github/actions/my-action" }],
    ["./", { kind: "local", path: "./" }],
    ["./.github/workflows/reusable.yml", { kind: "local", path: "./.github/workflows/reusable.yml" }],
    // docker
    ["docker://alpine:3.8", { kind: "docker", image: "alpine:3.8" }],
    ["docker://ghcr.io/OWNER/IMAGE_NAME", { kind: "docker", image: "ghcr.io/OWNER/IMAGE_NAME" }],
    ["docker://gcr.io/cloud-builders/gradle", { kind: "docker", image: "gcr.io/cloud-builders/gradle" }],
  ])("%j", (uses, expected) => {
    expect(parseUses(uses)).toEqual(expected);
  });

  it.each([
    ["actions/checkout"],
    ["actions/checkout@"],
    ["checkout@v4"],
    ["@v4"],
    ["actions/@v4"],
    ["/checkout@v4"],
    ["actions/checkout@v4@v5"],
    ["actions/check out@v4"],
    ["actions/checkout@v 4"],
    ["-actions/checkout@v4"],
    ["actions/-checkout@v4"],
    ["actions/checkout@-v4"],
    [""],
    ["../outside"],
  ])("%j is not a valid reference", (uses) => {
    expect(parseUses(uses)).toBeUndefined();
  });
});

describe("checkUses", () => {
  it.each<[string, "step" | "workflow"]>([
    ["actions/checkout@v4", "step"],
    ["./.github/actions/x", "step"],
    ["docker://alpine:3", "step"],
    ["octo-org/repo/.github/workflows/ci.yml@main", "workflow"],
    ["./.github/workflows/ci.yml", "workflow"],
  ])("%j is fine in a %s", (uses, where) => {
    expect(checkUses(uses, where)).toBeUndefined();
  });

  it.each<[string, "step" | "workflow", RegExp]>([
    ["", "step", /must not be empty/],
    ["   ", "workflow", /must not be empty/],
    ["actions/checkout", "step", /invalid action reference "actions\/checkout".*@ref/],
    ["actions/checkout@", "step", /invalid action reference/],
    ["octo-org/repo/.github/workflows/ci.yml", "workflow", /invalid reusable workflow reference/],
    ["docker://alpine:3", "workflow", /cannot use a container image/],
  ])("%j in a %s: %s", (uses, where, message) => {
    expect(checkUses(uses, where)).toMatch(message);
  });
});
