import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

// Pull requests under `ferry up`: pull_request workflows run at the test merge of the head into
// the base (a merge commit the server makes in its mirror), pull_request_target ones at the base.

type Run = { id: number; event: string; ref: string; status: string; conclusion: string | null; reason: string | null; sha: string; jobs: Array<{ id: number; name: string; conclusion: string | null }> };

const PR_WORKFLOW = `on:
  pull_request:
    branches: [main]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          echo "sha=\${{ github.sha }} ref=\${{ github.ref }}"
          echo "parents=$(git cat-file -p HEAD | sed -n 's/^parent //p' | tr '\\n' ' ')"
          echo "files: $(cat FROM_BASE) + $(cat FROM_HEAD)"
`;

const TARGET_WORKFLOW = `on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          echo "target sha=\${{ github.sha }} ref=\${{ github.ref }} head file: $(cat FROM_HEAD 2>/dev/null || echo absent)"
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
  const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${dir}\n  pollInterval: 1s\n  webhook:\n    secretRef: HOOK\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text: yaml }] })).status).toBe(200);
  await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", `/api/v1/resources/repository/${name}`)).body.status?.ready, 10_000, () => `repository ${name} never became ready`);
  expect((await api(up, "PUT", `/api/v1/repositories/${name}/secrets/HOOK`, { value: "hook-s3cret" })).status).toBe(200);
}

function commitFile(dir: string, file: string, content: string): string {
  writeFileSync(join(dir, file), content);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", `change ${file}`);
  return git(dir, "rev-parse", "HEAD").trim();
}

async function openPullRequest(repo: string, n: number, head: { ref: string; sha: string }, base: { ref: string; sha: string }): Promise<void> {
  const body = JSON.stringify({
    action: "opened", number: n,
    pull_request: { number: n, title: "A change", head, base, user: { login: "dev" } },
    repository: { full_name: `acme/${repo}` }, sender: { login: "dev" },
  });
  const sig = `sha256=${createHmac("sha256", "hook-s3cret").update(body).digest("hex")}`;
  const res = await fetch(`${up.url}/webhooks/${repo}`, {
    method: "POST", headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": `${repo}-${n}`, "x-hub-signature-256": sig }, body,
  });
  expect(res.status).toBe(202);
}

async function runsOf(repo: string, count: number): Promise<Run[]> {
  const ids = await waitFor(async () => {
    const items = (await api<{ items: Array<{ id: number }> }>(up, "GET", `/api/v1/runs?repository=${repo}`)).body.items;
    return items.length >= count ? items.map((r) => r.id) : undefined;
  }, 20_000, () => `fewer than ${count} runs for ${repo}\n${up.output()}`);
  return Promise.all(ids.map((id) => waitFor(async () => {
    const r = (await api<Run>(up, "GET", `/api/v1/runs/${id}`)).body;
    return r.status === "completed" ? r : undefined;
  }, 30_000, () => `run ${id} did not complete`)));
}

async function logText(jobId: number): Promise<string> {
  const r = await api<{ records: Array<{ type: string; text?: string }> }>(up, "GET", `/api/v1/jobs/${jobId}/logs`);
  return r.body.records.filter((x) => x.type === "line").map((x) => x.text).join("\n");
}

describe("ferry up: pull requests run at the merge commit", () => {
  it("runs pull_request at a merge of head into the diverged base (files of both), and pull_request_target at the base", async () => {
    const repo = makeRepo({ ".github/workflows/pr.yml": PR_WORKFLOW, ".github/workflows/target.yml": TARGET_WORKFLOW, "README.md": "readme\n" });
    cleanups.push(repo.cleanup);
    await watch("merged", repo.dir);
    git(repo.dir, "checkout", "-q", "-b", "feature");
    const head = commitFile(repo.dir, "FROM_HEAD", "head-side\n");
    git(repo.dir, "checkout", "-q", "main");
    const base = commitFile(repo.dir, "FROM_BASE", "base-side\n");

    await openPullRequest("merged", 3, { ref: "feature", sha: head }, { ref: "main", sha: base });
    const runs = await runsOf("merged", 2);
    const pr = runs.find((r) => r.event === "pull_request");
    const target = runs.find((r) => r.event === "pull_request_target");
    if (!pr || !target) throw new Error(`runs: ${JSON.stringify(runs)}`);

    const prLog = await logText(pr.jobs[0]?.id ?? 0);
    expect(pr.conclusion, prLog).toBe("success");
    expect(pr.sha).not.toBe(head);
    expect(pr.sha).not.toBe(base);
    expect(pr.ref).toBe("refs/pull/3/merge");
    expect(prLog).toContain(`sha=${pr.sha} ref=refs/pull/3/merge`);
    expect(prLog).toContain(`parents=${base} ${head}`);
    expect(prLog).toContain("files: base-side + head-side");

    const targetLog = await logText(target.jobs[0]?.id ?? 0);
    expect(target.conclusion, targetLog).toBe("success");
    expect(target.sha).toBe(base);
    expect(targetLog).toContain(`target sha=${base} ref=refs/heads/main head file: absent`);
  }, 90_000);

  it("does not run pull_request workflows of a pull request that conflicts with its base, and says why", async () => {
    const repo = makeRepo({ ".github/workflows/pr.yml": PR_WORKFLOW, "README.md": "readme\n" });
    cleanups.push(repo.cleanup);
    await watch("clashing", repo.dir);
    git(repo.dir, "checkout", "-q", "-b", "clash");
    const head = commitFile(repo.dir, "README.md", "the branch's readme\n");
    git(repo.dir, "checkout", "-q", "main");
    const base = commitFile(repo.dir, "README.md", "main's readme\n");

    await openPullRequest("clashing", 4, { ref: "clash", sha: head }, { ref: "main", sha: base });
    const [run] = await runsOf("clashing", 1);
    expect(run?.event).toBe("pull_request");
    expect(run?.conclusion).toBe("failure");
    expect(run?.jobs).toEqual([]);
    expect(run?.sha).toBe(head);
    expect(run?.reason).toContain("conflicts with main");
    expect(run?.reason).toContain("README.md");
  }, 90_000);
});
