import { describe, it, expect } from "vitest";
import { InputError } from "./errors.js";
import type { InputProblem } from "./errors.js";
import { parseActionText, parseWorkflowText } from "./load.js";

const VALID = `name: CI
on:
  push:
    branches: [main]
env:
  TOP: top
defaults:
  run:
    shell: bash
    working-directory: app
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm run lint
  build:
    name: Build \${{ matrix.os }}
    needs: lint
    runs-on: \${{ matrix.os }}
    if: github.event_name == 'push'
    env:
      JOB: job
    defaults:
      run:
        shell: sh
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest]
    outputs:
      version: \${{ steps.v.outputs.version }}
    timeout-minutes: 30
    continue-on-error: true
    steps:
      - id: v
        name: Compute version
        if: \${{ always() }}
        run: |
          echo "version=1" >> "$GITHUB_OUTPUT"
        shell: bash
        working-directory: sub
        env:
          STEP: step
        continue-on-error: true
        timeout-minutes: 5
      - uses: actions/setup-node@v4
        with:
          node-version: 20
  deploy:
    needs: [lint, build]
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/deploy
      - uses: docker://alpine:3.20
`;

async function problemsOf(content: string): Promise<InputProblem[]> {
  try {
    await parseWorkflowText(content, "ci.yml");
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error("expected the workflow to be rejected");
}

describe("parseWorkflowText: a valid workflow", () => {
  it("keeps the jobs in file order with their ids and lines", async () => {
    const wf = await parseWorkflowText(VALID, "ci.yml", "/abs/ci.yml");
    expect(wf.file).toBe("ci.yml");
    expect(wf.absPath).toBe("/abs/ci.yml");
    expect(wf.name).toBe("CI");
    expect(wf.jobs.map((j) => j.id)).toEqual(["lint", "build", "deploy"]);
    expect(wf.jobs.every((j) => typeof j.line === "number")).toBe(true);
    expect(Object.keys(wf.on)).toEqual(["push"]);
    expect(wf.env).toEqual({ TOP: "top" });
  });

  it("normalizes needs to a list", async () => {
    const wf = await parseWorkflowText(VALID, "ci.yml");
    expect(wf.jobs.map((j) => j.needs)).toEqual([[], ["lint"], ["lint", "build"]]);
  });

  it("reads workflow and job defaults", async () => {
    const wf = await parseWorkflowText(VALID, "ci.yml");
    expect(wf.defaults).toEqual({ shell: "bash", workingDirectory: "app" });
    expect(wf.jobs[1]?.defaults).toEqual({ shell: "sh", workingDirectory: undefined });
    expect(wf.jobs[0]?.defaults).toEqual({ shell: undefined, workingDirectory: undefined });
  });

  it("keeps job fields unevaluated", async () => {
    const build = (await parseWorkflowText(VALID, "ci.yml")).jobs[1];
    expect(build).toMatchObject({
      id: "build",
      name: "Build ${{ matrix.os }}",
      runsOn: "${{ matrix.os }}",
      if: "github.event_name == 'push'",
      env: { JOB: "job" },
      strategy: { matrix: { os: ["ubuntu-latest", "macos-latest"] } },
      outputs: { version: "${{ steps.v.outputs.version }}" },
      timeoutMinutes: 30,
      continueOnError: true,
    });
  });

  it("reads step fields", async () => {
    const wf = await parseWorkflowText(VALID, "ci.yml");
    const [v, setup] = wf.jobs[1]?.steps ?? [];
    expect(v).toEqual({
      id: "v",
      name: "Compute version",
      if: "${{ always() }}",
      run: 'echo "version=1" >> "$GITHUB_OUTPUT"\n',
      shell: "bash",
      workingDirectory: "sub",
      env: { STEP: "step" },
      continueOnError: true,
      timeoutMinutes: 5,
      line: 35,
    });
    expect(v?.uses).toBeUndefined();
    expect(setup).toMatchObject({ uses: "actions/setup-node@v4", with: { "node-version": 20 }, line: 46 });
    expect(setup?.run).toBeUndefined();
    expect(wf.jobs[0]?.steps.map((s) => [s.uses, s.run, s.line])).toEqual([
      ["actions/checkout@v4", undefined, 15],
      [undefined, "npm run lint", 16],
    ]);
    expect(wf.jobs[2]?.steps.map((s) => s.uses)).toEqual(["./.github/actions/deploy", "docker://alpine:3.20"]);
  });

  it.each<[string, string, string[]]>([
    ["on: push as a string", "on: push", ["push"]],
    ["on as a list", "on: [push, pull_request]", ["push", "pull_request"]],
  ])("%s", async (_name, on, events) => {
    const wf = await parseWorkflowText(`${on}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n`, "w.yml");
    expect(Object.keys(wf.on)).toEqual(events);
    expect(wf.name).toBeUndefined();
    expect(wf.call).toBeUndefined();
  });

  it("reads workflow_dispatch inputs and workflow_call pieces", async () => {
    const wf = await parseWorkflowText(
      `on:
  workflow_dispatch:
    inputs:
      level:
        type: choice
        options: [low, high]
        default: low
  workflow_call:
    inputs:
      target:
        type: string
        required: true
    secrets:
      token:
        required: true
    outputs:
      out:
        value: \${{ jobs.a.outputs.x }}
jobs:
  a:
    runs-on: ubuntu-latest
    outputs:
      x: "1"
    steps:
      - run: echo hi
`,
      "w.yml",
    );
    expect(wf.dispatchInputs).toEqual({ level: { type: "choice", options: ["low", "high"], default: "low" } });
    expect(wf.call).toEqual({
      inputs: { target: { type: "string", required: true } },
      secrets: { token: { required: true } },
      outputs: { out: { value: "${{ jobs.a.outputs.x }}" } },
    });
  });

  it("reads a reusable-workflow job", async () => {
    const wf = await parseWorkflowText(
      `on: push
jobs:
  call:
    uses: octo-org/example-repo/.github/workflows/reusable.yml@main
    with:
      config: x
    secrets: inherit
`,
      "w.yml",
    );
    expect(wf.jobs[0]).toMatchObject({
      id: "call",
      uses: "octo-org/example-repo/.github/workflows/reusable.yml@main",
      with: { config: "x" },
      secrets: "inherit",
      steps: [],
    });
  });
});

describe("parseWorkflowText: rejected workflows", () => {
  it.each<[string, string, { line: number; message: RegExp }]>([
    [
      "missing on",
      `name: x
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`,
      { line: 1, message: /missing: on$/ },
    ],
    [
      "missing jobs",
      "on: push\n",
      { line: 1, message: /missing: jobs$/ },
    ],
    [
      "needs naming an unknown job",
      `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
  b:
    runs-on: ubuntu-latest
    needs: [a, nope]
    steps:
      - run: echo hi
`,
      { line: 9, message: /depends on unknown job 'nope'/ },
    ],
    [
      "a step with both run and uses",
      `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo one
      - run: echo two
        uses: actions/checkout@v4
`,
      { line: 8, message: /Unexpected value 'uses'/ },
    ],
    [
      "uses without @ref",
      `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
      - name: Check out
        uses: actions/checkout
`,
      { line: 8, message: /actions\/checkout/ },
    ],
    [
      "uses with an empty ref",
      `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@
`,
      { line: 6, message: /actions\/checkout@/ },
    ],
    [
      "a job id starting with a digit",
      `on: push
jobs:
  1build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`,
      { line: 3, message: /1build/ },
    ],
    [
      "a job id with a space",
      `on: push
jobs:
  ok:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
  "has space":
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`,
      { line: 7, message: /has space/ },
    ],
    [
      "a reusable-workflow job using a container image",
      `on: push
jobs:
  call:
    uses: docker://alpine:3
`,
      { line: 4, message: /container image/ },
    ],
    [
      "a job without runs-on or uses",
      `on: push
jobs:
  a:
    steps:
      - run: echo hi
`,
      { line: 4, message: /runs-on/ },
    ],
  ])("%s", async (_name, content, expected) => {
    const problems = await problemsOf(content);
    expect(problems.length).toBeGreaterThan(0);
    const problem = problems.find((p) => expected.message.test(p.message));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem?.file).toBe("ci.yml");
    expect(problem?.line).toBe(expected.line);
  });

  it.each([[""], ["# only a comment\n"]])("an empty document %j is rejected", async (content) => {
    const problems = await problemsOf(content);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toBe("ci.yml");
  });

  it("the error message names the file and line", async () => {
    await expect(parseWorkflowText("on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout\n", "ci.yml")).rejects.toThrow(
      /^ci\.yml \(Line: 6, Col: \d+\): invalid action reference "actions\/checkout"/,
    );
  });
});

describe("parseActionText", () => {
  it("accepts a composite action without name or description", () => {
    const action = parseActionText(
      `inputs:
  who:
    default: world
outputs:
  greeting:
    value: \${{ steps.g.outputs.greeting }}
runs:
  using: composite
  steps:
    - id: g
      run: echo "greeting=hello \${{ inputs.who }}" >> "$GITHUB_OUTPUT"
      shell: bash
    - uses: actions/checkout@v4
`,
      "action.yml",
    );
    expect(action.name).toBeUndefined();
    expect(action.inputs).toEqual({ who: { default: "world" } });
    expect(action.outputs).toEqual({ greeting: { value: "${{ steps.g.outputs.greeting }}" } });
    expect(action.runs.using).toBe("composite");
    expect(action.runs.steps).toMatchObject([
      { id: "g", shell: "bash", line: 10 },
      { uses: "actions/checkout@v4", line: 13 },
    ]);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ["a node action", "name: n\ndescription: d\nruns:\n  using: node20\n  main: dist/index.js\n  post: dist/post.js\n", { using: "node20", main: "dist/index.js", post: "dist/post.js" }],
    ["a docker action", "name: d\ndescription: d\nruns:\n  using: docker\n  image: Dockerfile\n", { using: "docker", image: "Dockerfile" }],
  ])("reads %s", (_name, content, runs) => {
    expect(parseActionText(content, "action.yml").runs).toMatchObject(runs);
  });

  it.each<[string, string, { line: number; message: RegExp }]>([
    [
      "a composite run step without shell",
      `name: a
description: d
runs:
  using: composite
  steps:
    - run: echo hi
`,
      { line: 6, message: /shell/ },
    ],
    [
      "a composite step using an action without @ref",
      `runs:
  using: composite
  steps:
    - run: echo hi
      shell: bash
    - uses: actions/checkout
`,
      { line: 6, message: /actions\/checkout/ },
    ],
    [
      "a composite action without steps",
      `runs:
  using: composite
`,
      { line: 2, message: /steps/ },
    ],
  ])("rejects %s", (_name, content, expected) => {
    let caught: unknown;
    try {
      parseActionText(content, "action.yml");
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const problems = (caught as InputError).problems;
    const problem = problems.find((p) => expected.message.test(p.message));
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem?.file).toBe("action.yml");
    expect(problem?.line).toBe(expected.line);
  });
});
