import { describe, expect, it } from "vitest";
import { parseWorkflowText } from "../workflow/index.js";
import type { WorkflowDef } from "../workflow/index.js";
import { planRun } from "./plan-run.js";
import type { CallTarget, RunAction, RunPlanInput, WorkflowJobState } from "./plan-run.js";

const wf = (text: string, file = ".github/workflows/ci.yml"): Promise<WorkflowDef> => parseWorkflowText(text, file);

function input(w: WorkflowDef, over: Partial<RunPlanInput> = {}): RunPlanInput {
  return {
    runId: 1, wf: w, github: { ref: "refs/heads/main", ref_name: "main" }, inputs: {}, vars: {},
    workflowJobs: w.jobs.map((j): WorkflowJobState => ({ jobId: j.id, status: "pending" })), instances: [], cancelled: false, ...over,
  };
}

const expandOf = (actions: RunAction[], jobId: string): Extract<RunAction, { type: "expand" }> => {
  const a = actions.find((x): x is Extract<RunAction, { type: "expand" }> => x.type === "expand" && x.jobId === jobId);
  if (!a) throw new Error(`no expand of ${jobId} in ${JSON.stringify(actions)}`);
  return a;
};

describe("planRun: container jobs", () => {
  it.each([
    ["container: image", "    container: alpine:3\n", ["ubuntu-latest", "container"]],
    ["services with an image", "    services:\n      db:\n        image: postgres:16\n", ["ubuntu-latest", "container"]],
    ["an empty image from the matrix", "    strategy:\n      matrix:\n        img: ['']\n    container: ${{ matrix.img }}\n", ["ubuntu-latest"]],
    ["a docker:// step", "", ["ubuntu-latest", "container"], "      - uses: docker://alpine:3\n"],
    ["none", "", ["ubuntu-latest"]],
  ])("%s: runs-on labels %j", async (_what, extra, labels, step = "") => {
    const w = await wf(`on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${extra}    steps:\n      - run: echo hi\n${step}`);
    const [instance] = expandOf(planRun(input(w)), "a").instances;
    expect(instance?.labels).toEqual(labels);
  });

  it("hands container: and services: over unevaluated, and names the secrets their credentials read", async () => {
    const w = await wf("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: ghcr.io/acme/app:1\n      credentials:\n        username: bot\n        password: ${{ secrets.GHCR }}\n    steps:\n      - run: echo hi\n");
    const payload = expandOf(planRun(input(w)), "a").instances[0]?.payload;
    expect(payload?.container).toEqual({ image: "ghcr.io/acme/app:1", credentials: { username: "bot", password: "${{ secrets.GHCR }}" } });
    expect(payload?.secretNames).toEqual(["GHCR"]);
  });
});

describe("planRun: job-level concurrency", () => {
  it("puts the evaluated group on the job's payload", async () => {
    const w = await wf("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: deploy-${{ github.ref_name }}\n      cancel-in-progress: true\n    steps:\n      - run: echo hi\n");
    expect(expandOf(planRun(input(w)), "deploy").instances[0]?.payload.concurrency).toEqual({ group: "deploy-main", cancelInProgress: true });
  });

  it("cancels a waiting job when its run is cancelled", async () => {
    const w = await wf("on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    concurrency: prod\n    steps:\n      - run: echo hi\n");
    const actions = planRun(input(w, {
      cancelled: true, workflowJobs: [{ jobId: "deploy", status: "running" }], instances: [{ id: 9, jobId: "deploy", status: "waiting" }],
    }));
    expect(actions).toEqual([{ type: "cancel-instances", jobId: "deploy", reason: "The run was cancelled" }]);
  });
});

describe("planRun: reusable workflows", () => {
  const CALLER = "on: push\njobs:\n  build:\n    name: Build\n    uses: ./.github/workflows/build.yml\n    with:\n      version: '1.2'\n    secrets:\n      token: ${{ secrets.DEPLOY }}\n  after:\n    needs: build\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ needs.build.outputs.artifact }}\n";
  const CALLED = "on:\n  workflow_call:\n    inputs:\n      version:\n        type: string\n    outputs:\n      artifact:\n        value: app-${{ inputs.version }}-${{ jobs.pack.outputs.name }}\njobs:\n  pack:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ inputs.version }} ${{ secrets.token }}\n";

  async function setup(): Promise<{ w: WorkflowDef; calls: Map<string, CallTarget> }> {
    return { w: await wf(CALLER), calls: new Map<string, CallTarget>([["build", { wf: await wf(CALLED, ".github/workflows/build.yml") }]]) };
  }

  it("starts the call: the called workflow's jobs join the run as caller/inner", async () => {
    const { w, calls } = await setup();
    expect(planRun(input(w, { calls }))).toEqual([{ type: "start-call", jobId: "build", innerJobIds: ["build/pack"] }]);
  });

  it("plans a called job with the call's inputs, a `caller / inner` name and the caller's secrets mapping", async () => {
    const { w, calls } = await setup();
    const actions = planRun(input(w, {
      calls,
      workflowJobs: [{ jobId: "build", status: "running" }, { jobId: "after", status: "pending" }, { jobId: "build/pack", status: "pending" }],
    }));
    const inst = expandOf(actions, "build/pack").instances[0];
    expect(inst?.name).toBe("Build / pack");
    expect(inst?.payload).toMatchObject({ jobId: "pack", contexts: { inputs: { version: "1.2" } }, secretNames: ["DEPLOY"] });
    expect(inst?.payload.callSecrets).toEqual([{ secrets: { token: "${{ secrets.DEPLOY }}" }, needs: {}, inputs: {} }]);
  });

  it("completes the caller with the called workflow's outputs once its jobs have finished", async () => {
    const { w, calls } = await setup();
    const actions = planRun(input(w, {
      calls,
      workflowJobs: [
        { jobId: "build", status: "running" }, { jobId: "after", status: "pending" },
        { jobId: "build/pack", status: "completed", result: "success", outputs: { name: "x" } },
      ],
    }));
    expect(actions).toEqual([{ type: "complete-job", jobId: "build", result: "success", outputs: { artifact: "app-1.2-x" } }]);
  });

  it("fails a call that cannot be made, with its reason and the caller's name", async () => {
    const w = await wf(CALLER);
    const calls = new Map<string, CallTarget>([["build", { error: "remote workflows do not run here" }]]);
    expect(planRun(input(w, { calls }))).toEqual([{ type: "fail", jobId: "build", reason: "remote workflows do not run here", name: "Build" }]);
  });

  it("fails a call with an input the called workflow does not define", async () => {
    const w = await wf(CALLER.replace("version: '1.2'", "colour: blue"));
    const calls = new Map<string, CallTarget>([["build", { wf: await wf(CALLED, ".github/workflows/build.yml") }]]);
    const [action] = planRun(input(w, { calls }));
    expect(action).toMatchObject({ type: "fail", jobId: "build" });
    expect((action as { reason: string }).reason).toContain('input "colour" is not defined');
  });
});
