import { describe, it, expect } from "vitest";
import { matchTrigger, normalizeOn } from "./triggers.js";
import type { EventTriggers, TriggerEvent } from "./triggers.js";

function push(ref: string, changedFiles?: readonly string[]): TriggerEvent {
  return { name: "push", payload: { ref }, changedFiles };
}

function pullRequest(base: string, action?: string, changedFiles?: readonly string[], name = "pull_request"): TriggerEvent {
  const payload: Record<string, unknown> = { pull_request: { base: { ref: base } } };
  if (action !== undefined) payload["action"] = action;
  return { name, payload, changedFiles };
}

describe("normalizeOn", () => {
  it.each<[string, unknown, EventTriggers]>([
    ["a single event", "push", { push: null }],
    ["a list", ["push", "pull_request"], { push: null, pull_request: null }],
    ["a mapping with null", { push: null }, { push: null }],
    ["a mapping with config", { push: { branches: ["main"] } }, { push: { branches: ["main"] } }],
    ["schedule's list", { schedule: [{ cron: "0 0 * * *" }] }, { schedule: null }],
    ["an empty string config", { workflow_dispatch: "" }, { workflow_dispatch: null }],
  ])("normalizes %s", (_label, on, expected) => {
    expect(normalizeOn(on)).toEqual(expected);
  });

  it.each([[42], [null], [[1]]])("rejects %j", (on) => {
    expect(() => normalizeOn(on)).toThrow(/on/);
  });
});

describe("matchTrigger: event selection", () => {
  it("requires the event to be in on", () => {
    expect(matchTrigger({ push: null }, { name: "pull_request", payload: {} })).toEqual({
      triggered: false,
      reason: 'event "pull_request" not in on',
    });
  });

  it("never triggers workflow_call from an outside event", () => {
    expect(matchTrigger({ workflow_call: null }, { name: "workflow_call", payload: {} }).triggered).toBe(false);
  });

  it.each(["workflow_dispatch", "schedule", "repository_dispatch"])("triggers %s without filters", (name) => {
    expect(matchTrigger(normalizeOn([name]), { name, payload: {} })).toEqual({ triggered: true });
  });

  it("does not mistake inherited object keys for events", () => {
    expect(matchTrigger({ push: null }, { name: "toString", payload: {} }).triggered).toBe(false);
  });
});

describe("matchTrigger: push refs", () => {
  it.each<[string, Record<string, unknown> | null, string, boolean | string]>([
    ["no filters, branch", null, "refs/heads/main", true],
    ["no filters, tag", null, "refs/tags/v1", true],
    ["branches match", { branches: ["main"] }, "refs/heads/main", true],
    ["branches miss", { branches: ["main"] }, "refs/heads/dev", 'branch "dev" not in on.push.branches'],
    ["branches as a string", { branches: "main" }, "refs/heads/main", true],
    ["feature/* one level", { branches: ["feature/*"] }, "refs/heads/feature/a", true],
    ["feature/* two levels", { branches: ["feature/*"] }, "refs/heads/feature/a/b", 'branch "feature/a/b" not in on.push.branches'],
    ["feature/** two levels", { branches: ["feature/**"] }, "refs/heads/feature/a/b", true],
    [
      "negated branch",
      { branches: ["feature/**", "!feature/skip"] },
      "refs/heads/feature/skip",
      'branch "feature/skip" excluded by "!feature/skip" in on.push.branches',
    ],
    ["re-included branch", { branches: ["feature/**", "!feature/skip*", "feature/skip-not"] }, "refs/heads/feature/skip-not", true],
    ["branches-ignore hit", { "branches-ignore": ["main"] }, "refs/heads/main", 'branch "main" matches on.push.branches-ignore'],
    ["branches-ignore miss", { "branches-ignore": ["main"] }, "refs/heads/dev", true],
    ["only branches, tag push", { branches: ["main"] }, "refs/tags/v1", 'tag "v1" pushed but on.push filters only branches'],
    ["only branches-ignore, tag push", { "branches-ignore": ["x"] }, "refs/tags/v1", 'tag "v1" pushed but on.push filters only branches'],
    ["only tags, branch push", { tags: ["v*"] }, "refs/heads/main", 'branch "main" pushed but on.push filters only tags'],
    ["tags match", { tags: ["v2*"] }, "refs/tags/v2.9", true],
    ["tags miss", { tags: ["v2*"] }, "refs/tags/v3.0", 'tag "v3.0" not in on.push.tags'],
    ["semver tags", { tags: ["v[12].[0-9]+.[0-9]+"] }, "refs/tags/v1.10.1", true],
    ["tags-ignore hit", { "tags-ignore": ["v1*"] }, "refs/tags/v1.2", 'tag "v1.2" matches on.push.tags-ignore'],
    ["both kinds, branch", { branches: ["main"], tags: ["v*"] }, "refs/heads/main", true],
    ["both kinds, tag", { branches: ["main"], tags: ["v*"] }, "refs/tags/v1", true],
    ["both kinds, other tag", { branches: ["main"], tags: ["v*"] }, "refs/tags/x1", 'tag "x1" not in on.push.tags'],
    ["branches and branches-ignore", { branches: ["a"], "branches-ignore": ["b"] }, "refs/heads/a", "on.push defines both branches and branches-ignore"],
    ["tags and tags-ignore", { tags: ["a"], "tags-ignore": ["b"] }, "refs/tags/a", "on.push defines both tags and tags-ignore"],
    ["bare branch name", { branches: ["main"] }, "main", true],
  ])("%s", (_label, config, ref, expected) => {
    const decision = matchTrigger({ push: config }, push(ref));
    if (expected === true) expect(decision).toEqual({ triggered: true });
    else expect(decision).toEqual({ triggered: false, reason: expected });
  });

  it("treats filters as met when a synthesized push has no ref", () => {
    expect(matchTrigger({ push: { branches: ["main"] } }, { name: "push", payload: {} })).toEqual({ triggered: true });
  });
});

describe("matchTrigger: push paths", () => {
  it.each<[string, Record<string, unknown>, readonly string[] | undefined, boolean | string]>([
    ["paths, one of several matches", { paths: ["**.js"] }, ["README.md", "src/a.js"], true],
    ["paths, none match", { paths: ["**.js"] }, ["README.md"], "no changed file matches on.push.paths"],
    ["paths, unknown change set", { paths: ["**.js"] }, undefined, true],
    ["paths, no changed files", { paths: ["**"] }, [], "no changed files to match on.push.paths"],
    ["paths with negation, only excluded", { paths: ["sub/**", "!sub/docs/**"] }, ["sub/docs/a.md"], "no changed file matches on.push.paths"],
    ["paths with negation, one included", { paths: ["sub/**", "!sub/docs/**"] }, ["sub/docs/a.md", "sub/a.js"], true],
    ["paths-ignore, all ignored", { "paths-ignore": ["docs/**"] }, ["docs/a.md", "docs/b/c.md"], "all changed files match on.push.paths-ignore"],
    ["paths-ignore, some ignored", { "paths-ignore": ["docs/**"] }, ["docs/a.md", "src/a.js"], true],
    ["paths-ignore, none ignored", { "paths-ignore": ["docs/**"] }, ["src/a.js"], true],
    ["paths-ignore, no changed files", { "paths-ignore": ["docs/**"] }, [], "no changed files to match on.push.paths-ignore"],
    ["paths and paths-ignore", { paths: ["a"], "paths-ignore": ["b"] }, ["a"], "on.push defines both paths and paths-ignore"],
    ["branch and paths both satisfied", { branches: ["main"], paths: ["src/**"] }, ["src/a.ts"], true],
    ["branch satisfied, paths not", { branches: ["main"], paths: ["src/**"] }, ["docs/a.md"], "no changed file matches on.push.paths"],
  ])("%s", (_label, config, changedFiles, expected) => {
    const decision = matchTrigger({ push: config }, push("refs/heads/main", changedFiles));
    if (expected === true) expect(decision).toEqual({ triggered: true });
    else expect(decision).toEqual({ triggered: false, reason: expected });
  });

  it("ignores path filters for tag pushes", () => {
    expect(matchTrigger({ push: { tags: ["v*"], paths: ["src/**"] } }, push("refs/tags/v1", ["docs/a.md"]))).toEqual({
      triggered: true,
    });
    expect(matchTrigger({ push: { paths: ["src/**"] } }, push("refs/tags/v1", ["docs/a.md"]))).toEqual({ triggered: true });
  });

  it("checks the branch before the paths", () => {
    expect(matchTrigger({ push: { branches: ["main"], paths: ["src/**"] } }, push("refs/heads/dev", ["docs/a.md"]))).toEqual({
      triggered: false,
      reason: 'branch "dev" not in on.push.branches',
    });
  });
});

describe("matchTrigger: pull_request", () => {
  it.each<[string, Record<string, unknown> | null, TriggerEvent, boolean | string]>([
    ["default types: opened", null, pullRequest("main", "opened"), true],
    ["default types: synchronize", null, pullRequest("main", "synchronize"), true],
    ["default types: reopened", null, pullRequest("main", "reopened"), true],
    [
      "default types: closed",
      null,
      pullRequest("main", "closed"),
      'action "closed" not in the default types of pull_request (opened, synchronize, reopened)',
    ],
    ["explicit types", { types: ["closed"] }, pullRequest("main", "closed"), true],
    ["explicit types as a string", { types: "labeled" }, pullRequest("main", "labeled"), true],
    ["explicit types replace defaults", { types: ["closed"] }, pullRequest("main", "opened"), 'action "opened" not in on.pull_request.types'],
    ["missing action", { types: ["closed"] }, pullRequest("main"), true],
    ["base branch match", { branches: ["main"] }, pullRequest("main", "opened"), true],
    ["base branch with refs/heads/", { branches: ["main"] }, pullRequest("refs/heads/main", "opened"), true],
    ["base branch miss", { branches: ["main"] }, pullRequest("dev", "opened"), 'branch "dev" not in on.pull_request.branches'],
    [
      "base branch negated",
      { branches: ["releases/**", "!releases/**-alpha"] },
      pullRequest("releases/1-alpha", "opened"),
      'branch "releases/1-alpha" excluded by "!releases/**-alpha" in on.pull_request.branches',
    ],
    ["base branch ignored", { "branches-ignore": ["mona/octocat"] }, pullRequest("mona/octocat", "opened"), 'branch "mona/octocat" matches on.pull_request.branches-ignore'],
    ["paths match", { paths: ["src/**"] }, pullRequest("main", "opened", ["src/a.ts"]), true],
    ["paths miss", { paths: ["src/**"] }, pullRequest("main", "opened", ["README.md"]), "no changed file matches on.pull_request.paths"],
    ["paths-ignore all", { "paths-ignore": ["**.md"] }, pullRequest("main", "opened", ["README.md", "docs/x.md"]), "all changed files match on.pull_request.paths-ignore"],
    ["pull_request_target defaults", null, pullRequest("main", "labeled", undefined, "pull_request_target"), 'action "labeled" not in the default types of pull_request_target (opened, synchronize, reopened)'],
    ["pull_request_target branches", { branches: ["main"] }, pullRequest("main", "opened", undefined, "pull_request_target"), true],
  ])("%s", (_label, config, event, expected) => {
    const decision = matchTrigger({ [event.name]: config }, event);
    if (expected === true) expect(decision).toEqual({ triggered: true });
    else expect(decision).toEqual({ triggered: false, reason: expected });
  });
});

describe("matchTrigger: other events", () => {
  it.each<[string, Record<string, unknown> | null, TriggerEvent, boolean | string]>([
    ["issues, all types by default", null, { name: "issues", payload: { action: "deleted" } }, true],
    ["issues, type listed", { types: ["opened", "edited"] }, { name: "issues", payload: { action: "edited" } }, true],
    ["issues, type not listed", { types: ["opened"] }, { name: "issues", payload: { action: "closed" } }, 'action "closed" not in on.issues.types'],
    ["release without action", { types: ["published"] }, { name: "release", payload: {} }, true],
    ["workflow_dispatch with inputs", { inputs: { x: { type: "string" } } }, { name: "workflow_dispatch", payload: { inputs: { x: "1" } } }, true],
    [
      "workflow_run, workflow and branch",
      { workflows: ["Build"], types: ["completed"], branches: ["releases/**"] },
      { name: "workflow_run", payload: { action: "completed", workflow_run: { name: "Build", head_branch: "releases/1" } } },
      true,
    ],
    [
      "workflow_run, other workflow",
      { workflows: ["Build"] },
      { name: "workflow_run", payload: { action: "completed", workflow_run: { name: "Lint", head_branch: "main" } } },
      'workflow "Lint" not in on.workflow_run.workflows',
    ],
    [
      "workflow_run, ignored branch",
      { workflows: ["Build"], "branches-ignore": ["canary"] },
      { name: "workflow_run", payload: { action: "requested", workflow_run: { name: "Build", head_branch: "canary" } } },
      'branch "canary" matches on.workflow_run.branches-ignore',
    ],
    [
      "merge_group, base branch",
      { types: ["checks_requested"], branches: ["main"] },
      { name: "merge_group", payload: { action: "checks_requested", merge_group: { base_ref: "refs/heads/main" } } },
      true,
    ],
    [
      "merge_group, other base branch",
      { branches: ["main"] },
      { name: "merge_group", payload: { action: "checks_requested", merge_group: { base_ref: "refs/heads/dev" } } },
      'branch "dev" not in on.merge_group.branches',
    ],
  ])("%s", (_label, config, event, expected) => {
    const decision = matchTrigger({ [event.name]: config }, event);
    if (expected === true) expect(decision).toEqual({ triggered: true });
    else expect(decision).toEqual({ triggered: false, reason: expected });
  });
});

describe("matchTrigger: conflicting filters", () => {
  it.each<[string, Record<string, unknown>, TriggerEvent, string]>([
    ["push branches on a tag push", { branches: ["a"], "branches-ignore": ["b"] }, push("refs/tags/v1"), "on.push defines both branches and branches-ignore"],
    ["push paths without a ref", { paths: ["a"], "paths-ignore": ["b"] }, { name: "push", payload: {} }, "on.push defines both paths and paths-ignore"],
    ["pull_request paths", { paths: ["a"], "paths-ignore": ["b"] }, pullRequest("main", "opened"), "on.pull_request defines both paths and paths-ignore"],
  ])("%s", (_label, config, event, reason) => {
    expect(matchTrigger({ [event.name]: config }, event)).toEqual({ triggered: false, reason });
  });
});
