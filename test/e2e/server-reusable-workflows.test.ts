import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

// Reusable workflows (`jobs.<id>.uses: ./.github/workflows/x.yml`) under `ferry up`: the called
// workflow's jobs become `caller / inner` jobs of the run, with inputs, secrets and outputs.

type Job = { id: number; jobId: string; name: string; status: string; conclusion: string | null; reason: string | null };
type Run = { id: number; status: string; conclusion: string | null; sha: string; workflow: { file: string }; jobs: Job[] };

const CI = `on: push
jobs:
  setup:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.v.outputs.version }}
    steps:
      - id: v
        run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
  build:
    needs: setup
    name: Build it
    uses: ./.github/workflows/build.yml
    with:
      version: \${{ needs.setup.outputs.version }}
    secrets:
      token: \${{ secrets.DEPLOY_TOKEN }}
  inherit:
    uses: ./.github/workflows/inherit.yml
    secrets: inherit
  report:
    needs: [build, inherit]
    runs-on: ubuntu-latest
    steps:
      - run: echo "artifact \${{ needs.build.outputs.artifact }} result \${{ needs.build.result }}"
`;

const BUILD = `on:
  workflow_call:
    inputs:
      version:
        required: true
        type: string
    secrets:
      token:
        required: true
    outputs:
      artifact:
        value: \${{ jobs.package.outputs.name }}
jobs:
  compile:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "compiling \${{ inputs.version }} with \${{ secrets.token }} (\${#TOKEN} characters)"
          echo "the repository's own name for it is empty here: [\${{ secrets.DEPLOY_TOKEN }}]"
        env:
          TOKEN: \${{ secrets.token }}
  package:
    needs: compile
    runs-on: ubuntu-latest
    outputs:
      name: \${{ steps.p.outputs.name }}
    steps:
      - id: p
        run: echo "name=app-\${{ inputs.version }}.tgz" >> "$GITHUB_OUTPUT"
`;

const INHERIT = `on: workflow_call
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: test -n "\${{ secrets.DEPLOY_TOKEN }}" && echo "inherited the deploy token"
  deeper:
    needs: show
    uses: ./.github/workflows/deeper.yml
    with:
      from: \${{ needs.show.result }}
    secrets:
      renamed: \${{ secrets.DEPLOY_TOKEN }}
`;

const DEEPER = `on:
  workflow_call:
    inputs:
      from:
        type: string
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: test "\${{ secrets.renamed }}" = "dpl-t0ken-42" && echo "nested call after \${{ inputs.from }} got the renamed token"
`;

const BROKEN = `on: push
jobs:
  remote:
    uses: acme/shared/.github/workflows/build.yml@v1
  missing:
    uses: ./.github/workflows/nowhere.yml
  fine:
    runs-on: ubuntu-latest
    steps:
      - run: echo fine
`;

let up: Up;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  up = await startFerry("up");
});
afterAll(async () => {
  await up.stop();
  removeDir(up.dataDir);
  for (const c of cleanups) c();
});

async function watch(name: string, dir: string): Promise<void> {
  const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${dir}\n  pollInterval: 1s\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text: yaml }] })).status).toBe(200);
  await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", `/api/v1/resources/repository/${name}`)).body.status?.ready, 10_000, () => `repository ${name} never became ready`);
}

function commitFiles(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "workflows");
  return git(dir, "rev-parse", "HEAD").trim();
}

async function runFor(repo: string, sha: string, file: string): Promise<Run> {
  const id = await waitFor(async () => (await api<{ items: Array<{ id: number; sha: string; workflow: { file: string } }> }>(up, "GET", `/api/v1/runs?repository=${repo}`)).body.items
    .find((r) => r.sha === sha && r.workflow.file.endsWith(file))?.id, 20_000, () => `no run of ${file} for ${sha}`);
  return waitFor(async () => {
    const r = (await api<Run>(up, "GET", `/api/v1/runs/${id}`)).body;
    return r.status === "completed" ? r : undefined;
  }, 60_000, () => `run ${id} did not complete\n${up.output()}`);
}

async function logText(jobId: number): Promise<string> {
  const r = await api<{ records: Array<{ type: string; text?: string }> }>(up, "GET", `/api/v1/jobs/${jobId}/logs`);
  return r.body.records.filter((x) => x.type === "line").map((x) => x.text).join("\n");
}

describe("ferry up: reusable workflows", () => {
  it("runs a called workflow's jobs as caller / inner jobs, with inputs, mapped and inherited secrets, and outputs for later jobs", async () => {
    const repo = makeRepo({ "README.md": "x\n" });
    cleanups.push(repo.cleanup);
    await watch("reusing", repo.dir);
    expect((await api(up, "PUT", "/api/v1/repositories/reusing/secrets/DEPLOY_TOKEN", { value: "dpl-t0ken-42" })).status).toBe(200);
    const sha = commitFiles(repo.dir, { ".github/workflows/ci.yml": CI, ".github/workflows/build.yml": BUILD, ".github/workflows/inherit.yml": INHERIT, ".github/workflows/deeper.yml": DEEPER });

    const run = await runFor("reusing", sha, "ci.yml");
    const byName = (name: string): Job => {
      const j = run.jobs.find((x) => x.name === name);
      if (!j) throw new Error(`no job "${name}" in ${JSON.stringify(run.jobs.map((x) => x.name))}`);
      return j;
    };
    expect(run.conclusion, JSON.stringify(run.jobs)).toBe("success");
    expect(run.jobs.map((j) => j.name).sort()).toEqual(["Build it / compile", "Build it / package", "inherit / deeper / check", "inherit / show", "report", "setup"]);
    expect(byName("Build it / compile").jobId).toBe("build/compile");

    const compile = await logText(byName("Build it / compile").id);
    expect(compile).toContain("compiling 1.2.3 with *** (12 characters)");
    expect(compile).toContain("the repository's own name for it is empty here: []");
    expect(compile).not.toContain("dpl-t0ken-42");
    expect(await logText(byName("inherit / show").id)).toContain("inherited the deploy token");
    expect(await logText(byName("inherit / deeper / check").id)).toContain("nested call after success got the renamed token");
    expect(byName("inherit / deeper / check").jobId).toBe("inherit/deeper/check");
    expect(await logText(byName("report").id)).toContain("artifact app-1.2.3.tgz result success");
    // The workflows the ci workflow calls do not run on their own.
    const runs = (await api<{ items: Array<{ sha: string }> }>(up, "GET", "/api/v1/runs?repository=reusing")).body.items.filter((r) => r.sha === sha);
    expect(runs).toHaveLength(1);
  }, 90_000);

  it("re-runs a failed call as a whole, keeping the jobs that succeeded outside it", async () => {
    const repo = makeRepo({ "README.md": "x\n" });
    cleanups.push(repo.cleanup);
    await watch("rerun-call", repo.dir);
    const sha = commitFiles(repo.dir, {
      ".github/workflows/ci.yml": "on: push\njobs:\n  first:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo first\n  call:\n    needs: first\n    uses: ./.github/workflows/flaky.yml\n  last:\n    needs: call\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo last\n",
      ".github/workflows/flaky.yml": "on: workflow_call\njobs:\n  steady:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo steady\n  flaky:\n    runs-on: ubuntu-latest\n    steps:\n      - run: test \"${{ vars.PASS }}\" = yes\n",
    });
    const first = await runFor("rerun-call", sha, "ci.yml");
    expect(first.conclusion).toBe("failure");
    expect(first.jobs.map((j) => [j.name, j.conclusion]).sort()).toEqual([["call / flaky", "failure"], ["call / steady", "success"], ["first", "success"]]);
    expect((await api(up, "PUT", "/api/v1/repositories/rerun-call/variables/PASS", { value: "yes" })).status).toBe(200);
    const again = await api<{ runId: number }>(up, "POST", `/api/v1/runs/${first.id}/rerun-failed`);
    expect(again.status).toBe(201);
    const second = await waitFor(async () => {
      const r = (await api<Run>(up, "GET", `/api/v1/runs/${again.body.runId}`)).body;
      return r.status === "completed" ? r : undefined;
    }, 60_000, () => "the re-run did not complete");
    expect(second.conclusion).toBe("success");
    expect(second.jobs.map((j) => [j.name, j.conclusion]).sort()).toEqual([["call / flaky", "success"], ["call / steady", "success"], ["first", "success"], ["last", "success"]]);
    expect(second.jobs.find((j) => j.name === "first")?.reason).toBe(`kept from run ${first.id}`);
  }, 90_000);

  it("fails a call it cannot make with the reason (another repository, a missing file) and runs the other jobs", async () => {
    const repo = makeRepo({ "README.md": "x\n" });
    cleanups.push(repo.cleanup);
    await watch("calls-fail", repo.dir);
    const sha = commitFiles(repo.dir, { ".github/workflows/broken.yml": BROKEN });
    const run = await runFor("calls-fail", sha, "broken.yml");
    expect(run.conclusion).toBe("failure");
    const remote = run.jobs.find((j) => j.jobId === "remote");
    const missing = run.jobs.find((j) => j.jobId === "missing");
    expect(remote).toMatchObject({ conclusion: "failure" });
    expect(remote?.reason).toContain("another repository");
    expect(missing).toMatchObject({ conclusion: "failure" });
    expect(missing?.reason).toContain("no .github/workflows/nowhere.yml");
    expect(run.jobs.find((j) => j.jobId === "fine")?.conclusion).toBe("success");
  }, 90_000);
});
