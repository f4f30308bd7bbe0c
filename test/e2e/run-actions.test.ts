import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry, git, makeRepo } from "./helpers.js";

/** A directory laid out like a forge: <base>/<owner>/<repo> are Git repositories with tags. */
let base: string;
let home: string;
const cleanups: Array<() => void> = [];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "ferry-forge-"));
  home = mkdtempSync(join(tmpdir(), "ferry-home-"));
  const action = makeRepo({
    "action.yml": `name: greet
description: greets and records the order of its phases
inputs:
  who:
    default: world
  log:
    required: true
outputs:
  greeting:
    description: what was said
runs:
  using: node20
  pre: pre.js
  main: main.js
  post: post.js
`,
    "pre.js": `const fs = require("fs");
fs.appendFileSync(process.env.INPUT_LOG, "pre\\n");
fs.appendFileSync(process.env.GITHUB_STATE, "started=yes\\n");
`,
    "main.js": `const fs = require("fs");
fs.appendFileSync(process.env.INPUT_LOG, "main state=" + process.env.STATE_started + "\\n");
fs.appendFileSync(process.env.GITHUB_OUTPUT, "greeting=hello " + process.env.INPUT_WHO + "\\n");
`,
    "post.js": `require("fs").appendFileSync(process.env.INPUT_LOG, "post state=" + process.env.STATE_started + "\\n");
`,
    ".github/workflows/shared.yml": `on:
  workflow_call:
    inputs:
      name:
        type: string
        required: true
    outputs:
      said:
        value: \${{ jobs.say.outputs.said }}
jobs:
  say:
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.s.outputs.said }}
    steps:
      - id: s
        run: echo "said=shared says \${{ inputs.name }}" >> "$GITHUB_OUTPUT"
`,
  });
  git(action.dir, "tag", "v1");
  git(base, "clone", "-q", "--bare", action.dir, join(base, "acme", "greet"));
  action.cleanup();
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
  for (const c of cleanups) c();
});

describe("ferry run: remote actions and reusable workflows", () => {
  it("fetches owner/repo@ref from --actions-url and runs pre, main and post in order", async () => {
    const repo = makeRepo({
      ".github/workflows/ci.yml": `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "step-before" >> "$LOG"
      - id: greet
        uses: acme/greet@v1
        with:
          who: ferry
          log: \${{ env.LOG }}
      - run: |
          echo "step-after \${{ steps.greet.outputs.greeting }}" >> "$LOG"
          cat "$LOG"
`,
    });
    cleanups.push(repo.cleanup);
    const log = join(repo.dir, "phases.log");
    const r = await ferry(repo.dir, ["run", "--actions-url", `file://${base}`, "--env", `LOG=${log}`], { FERRY_HOME: home });
    expect(r.code).toBe(0);
    expect(r.out).toContain("| pre\n");
    const phases = r.out.split("\n").filter((l) => l.includes("|")).map((l) => l.replace(/^.*\| /, ""));
    expect(phases).toEqual(expect.arrayContaining(["pre", "step-before", "main state=yes", "step-after hello ferry"]));
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["pre", "step-before", "main state=yes", "step-after hello ferry", "post state=yes"]);
  });

  it("calls a remote reusable workflow and reads its outputs", async () => {
    const repo = makeRepo({
      ".github/workflows/ci.yml": `on: push
jobs:
  call:
    uses: acme/greet/.github/workflows/shared.yml@v1
    with:
      name: ferry
  use:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - run: echo "got \${{ needs.call.outputs.said }}"
`,
    });
    cleanups.push(repo.cleanup);
    const r = await ferry(repo.dir, ["run", "--actions-url", `file://${base}`], { FERRY_HOME: home });
    expect(r.code).toBe(0);
    expect(r.out).toContain("got shared says ferry");
  });

  it("fails the job with a clear message when an action cannot be fetched", async () => {
    const repo = makeRepo({
      ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: acme/missing@v1\n      - run: echo unreachable\n",
    });
    cleanups.push(repo.cleanup);
    const r = await ferry(repo.dir, ["run", "--actions-url", `file://${base}`], { FERRY_HOME: home });
    expect(r.code).toBe(1);
    expect(r.out).toContain("cannot fetch action acme/missing@v1");
    expect(r.out).not.toContain("| unreachable");
  });

  it("prints one JSON object per line with --json", async () => {
    const repo = makeRepo({ ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo json-line\n" });
    cleanups.push(repo.cleanup);
    const r = await ferry(repo.dir, ["run", "--json"]);
    expect(r.code).toBe(0);
    const events = r.out.trim().split("\n").map((l) => JSON.parse(l) as { type: string; text?: string; result?: string });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["job-start", "step-start", "line", "step-end", "job-end", "workflow-end"]));
    expect(events.find((e) => e.type === "line")?.text).toBe("json-line");
    expect(events.at(-1)?.result).toBe("success");
  });
});
