import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

type Run = { id: number; status: string; conclusion: string | null; sha: string; jobs: Array<{ id: number; name: string; status: string; conclusion: string | null; steps: Array<{ name: string; conclusion: string | null }> }> };

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "built $(git rev-parse --short HEAD) with \${{ secrets.API_KEY }}"
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo "tests passed"
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

async function applyRepo(name: string, dir: string, extra = ""): Promise<void> {
  const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${dir}\n  pollInterval: 1s\n${extra}`;
  const r = await api<{ results: Array<{ outcome: string }> }>(up, "POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text: yaml }] });
  expect(r.status).toBe(200);
  await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", `/api/v1/resources/repository/${name}`)).body.status?.ready, 10_000, () => `repository ${name} never became ready`);
}

async function runFor(repo: string, sha: string): Promise<Run> {
  const id = await waitFor(async () => (await api<{ items: Array<{ id: number; sha: string }> }>(up, "GET", `/api/v1/runs?repository=${repo}`)).body.items.find((r) => r.sha === sha)?.id, 20_000, () => `no run for ${sha}`);
  return waitFor(async () => {
    const r = (await api<Run>(up, "GET", `/api/v1/runs/${id}`)).body;
    return r.status === "completed" ? r : undefined;
  }, 30_000, () => `run ${id} did not complete`);
}

async function logText(jobId: number): Promise<string> {
  const r = await api<{ records: Array<{ type: string; text?: string }> }>(up, "GET", `/api/v1/jobs/${jobId}/logs`);
  return r.body.records.filter((x) => x.type === "line").map((x) => x.text).join("\n");
}

describe("ferry up: CI from a watched repository", () => {
  it("runs a commit found by polling, with needs, checkout from the mirror, masked secrets and its log", async () => {
    const repo = makeRepo({ "README.md": "hello\n" });
    cleanups.push(repo.cleanup);
    await applyRepo("polled", repo.dir);
    expect((await api(up, "PUT", "/api/v1/repositories/polled/secrets/API_KEY", { value: "k3y-v4lue-9" })).status).toBe(200);
    const { writeFileSync, mkdirSync } = await import("node:fs");
    mkdirSync(`${repo.dir}/.github/workflows`, { recursive: true });
    writeFileSync(`${repo.dir}/.github/workflows/ci.yml`, WORKFLOW);
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "add ci");
    const sha = git(repo.dir, "rev-parse", "HEAD").trim();

    const run = await runFor("polled", sha);
    expect(run.conclusion).toBe("success");
    expect(run.jobs.map((j) => [j.name, j.conclusion])).toEqual([["build", "success"], ["test", "success"]]);
    const build = run.jobs[0];
    if (!build) throw new Error("no build job");
    expect(build.steps.map((s) => s.conclusion)).toEqual(["success", "success"]);
    const log = await logText(build.id);
    expect(log).toContain(`built ${sha.slice(0, 7)} with ***`);
    expect(log).not.toContain("k3y-v4lue-9");
  });

  it("runs a commit announced by a signed GitHub webhook, and refuses a bad signature and a replay", async () => {
    const repo = makeRepo({ ".github/workflows/ci.yml": WORKFLOW.replace("with ${{ secrets.API_KEY }}", "") });
    cleanups.push(repo.cleanup);
    await api(up, "PUT", "/api/v1/repositories/hooked/secrets/HOOK_SECRET", { value: "s3cret" }).catch(() => undefined);
    await applyRepo("hooked", repo.dir, "  webhook:\n    secretRef: HOOK_SECRET\n    provider: github\n");
    // The secret can only be set once the repository exists.
    expect((await api(up, "PUT", "/api/v1/repositories/hooked/secrets/HOOK_SECRET", { value: "s3cret" })).status).toBe(200);
    // Slow polling down so that the webhook is what finds the commit.
    await api(up, "POST", "/api/v1/apply", { documents: [{ file: "hooked.yaml", text: `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: hooked\nspec:\n  url: ${repo.dir}\n  pollInterval: 1h\n  webhook:\n    secretRef: HOOK_SECRET\n    provider: github\n` }] });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${repo.dir}/CHANGE`, "x\n");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "change");
    const sha = git(repo.dir, "rev-parse", "HEAD").trim();
    const body = JSON.stringify({ ref: "refs/heads/main", before: "0".repeat(40), after: sha, repository: { full_name: "acme/hooked" }, pusher: { name: "dev" } });
    const sign = (secret: string): string => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const headers = (sig: string, id: string): Record<string, string> => ({ "x-github-event": "push", "x-github-delivery": id, "x-hub-signature-256": sig, authorization: "" });

    const bad = await fetch(`${up.url}/webhooks/hooked`, { method: "POST", headers: { ...headers(sign("wrong"), "d-0"), "content-type": "application/json" }, body });
    expect(bad.status).toBe(401);
    const good = await fetch(`${up.url}/webhooks/hooked`, { method: "POST", headers: { ...headers(sign("s3cret"), "d-1"), "content-type": "application/json" }, body });
    expect(good.status).toBe(202);
    const replay = await fetch(`${up.url}/webhooks/hooked`, { method: "POST", headers: { ...headers(sign("s3cret"), "d-1"), "content-type": "application/json" }, body });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as { status: string }).status).toBe("duplicate");

    const run = await runFor("hooked", sha);
    expect(run.conclusion).toBe("success");
    expect(await logText(run.jobs[1]?.id ?? 0)).toContain("tests passed");
  });

  it("posts the run's commit status to GitHub as its API documents, and shows it on the API", async () => {
    const seen: Array<{ path: string; auth: string | undefined; version: string | undefined; body: { state: string; context: string } }> = [];
    const { createServer } = await import("node:http");
    const forge = createServer((req, res) => {
      let data = "";
      req.on("data", (c: Buffer) => { data += c.toString(); });
      req.on("end", () => {
        seen.push({ path: `${req.method ?? ""} ${req.url ?? ""}`, auth: req.headers.authorization, version: req.headers["x-github-api-version"] as string | undefined, body: JSON.parse(data) as { state: string; context: string } });
        res.writeHead(201, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => forge.listen(0, "127.0.0.1", r));
    const port = (forge.address() as { port: number }).port;
    try {
      const repo = makeRepo({ ".github/workflows/ci.yml": "name: ci\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n" });
      cleanups.push(repo.cleanup);
      await applyRepo("reported", repo.dir, `  statusReporting:\n    provider: github\n    apiUrl: http://127.0.0.1:${port}\n    tokenRef: FORGE_TOKEN\n    owner: acme\n    repo: app\n`);
      expect((await api(up, "PUT", "/api/v1/repositories/reported/secrets/FORGE_TOKEN", { value: "ghp_test_token" })).status).toBe(200);
      const { writeFileSync } = await import("node:fs");
      writeFileSync(`${repo.dir}/X`, "1\n");
      git(repo.dir, "add", "-A");
      git(repo.dir, "commit", "-q", "-m", "x");
      const sha = git(repo.dir, "rev-parse", "HEAD").trim();
      await runFor("reported", sha);
      await waitFor(() => seen.some((x) => x.body.state === "success"), 10_000, () => `no success status posted: ${JSON.stringify(seen)}`);
      for (const x of seen) {
        expect(x.path).toBe(`POST /repos/acme/app/statuses/${sha}`);
        expect(x.auth).toBe("Bearer ghp_test_token");
        expect(x.version).toBe("2022-11-28");
        expect(x.body.context).toBe("ferry/ci");
      }
      expect(seen.map((x) => x.body.state)).toContain("pending");
      const combined = await api<{ state: string }>(up, "GET", `/api/v1/repositories/reported/commits/${sha}/status`);
      expect(combined.body.state).toBe("success");
    } finally {
      forge.close();
    }
  });

  it("dispatches a workflow with typed inputs through the API and the CLI, and refuses a missing required input", async () => {
    const repo = makeRepo({
      ".github/workflows/deploy.yml": "on:\n  workflow_dispatch:\n    inputs:\n      target:\n        required: true\n      dry:\n        type: boolean\n        default: false\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"deploying to ${{ inputs.target }} dry=${{ inputs.dry }} via ${{ github.event_name }}\"\n",
    });
    cleanups.push(repo.cleanup);
    await applyRepo("dispatched", repo.dir);
    const missing = await api<{ error: { message: string } }>(up, "POST", "/api/v1/repositories/dispatched/workflows/deploy.yml/dispatches", { ref: "main", inputs: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("target");
    const { ferry } = await import("./helpers.js");
    const cli = await ferry(repo.dir, ["dispatch", "dispatched", "deploy.yml", "--ref", "main", "--input", "target=staging", "--input", "dry=true", "--server", up.url, "--token", up.token]);
    expect(cli.code).toBe(0);
    const runId = Number(/run (\d+) queued/.exec(cli.out)?.[1]);
    const run = await waitFor(async () => {
      const r = (await api<Run>(up, "GET", `/api/v1/runs/${runId}`)).body;
      return r.status === "completed" ? r : undefined;
    }, 30_000, () => "dispatched run did not complete");
    expect(run.conclusion).toBe("success");
    expect(await logText(run.jobs[0]?.id ?? 0)).toContain("deploying to staging dry=true via workflow_dispatch");
  });

  it("re-runs only the failed jobs and what needs them, keeping the jobs that succeeded", async () => {
    const repo = makeRepo({ "README.md": "x\n" });
    cleanups.push(repo.cleanup);
    await applyRepo("rerun", repo.dir);
    const { writeFileSync, mkdirSync } = await import("node:fs");
    mkdirSync(`${repo.dir}/.github/workflows`, { recursive: true });
    writeFileSync(`${repo.dir}/.github/workflows/ci.yml`, "on: push\njobs:\n  first:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo first\n  flaky:\n    needs: first\n    runs-on: ubuntu-latest\n    steps:\n      - run: test \"${{ vars.PASS }}\" = yes\n  last:\n    needs: flaky\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo last\n");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "ci");
    const sha = git(repo.dir, "rev-parse", "HEAD").trim();
    const first = await runFor("rerun", sha);
    expect(first.conclusion).toBe("failure");
    expect(first.jobs.map((j) => [j.name, j.conclusion])).toEqual([["first", "success"], ["flaky", "failure"]]);
    expect((await api(up, "PUT", "/api/v1/repositories/rerun/variables/PASS", { value: "yes" })).status).toBe(200);
    const again = await api<{ runId: number }>(up, "POST", `/api/v1/runs/${first.id}/rerun-failed`);
    expect(again.status).toBe(201);
    const second = await waitFor(async () => {
      const r = (await api<Run & { jobs: Array<{ reason: string | null }> }>(up, "GET", `/api/v1/runs/${again.body.runId}`)).body;
      return r.status === "completed" ? r : undefined;
    }, 30_000, () => "re-run did not complete");
    expect(second.conclusion).toBe("success");
    expect(second.jobs.map((j) => [j.name, j.conclusion])).toEqual([["first", "success"], ["flaky", "success"], ["last", "success"]]);
    expect((second.jobs[0] as { reason?: string | null }).reason).toBe(`kept from run ${first.id}`);
  });

  it("runs pull_request workflows from a signed pull request webhook, at the merge commit", async () => {
    const repo = makeRepo({ ".github/workflows/pr.yml": "on:\n  pull_request:\n    branches: [main]\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          echo \"checking ${{ github.head_ref }} into ${{ github.base_ref }}: $(cat FEATURE)\"\n" });
    cleanups.push(repo.cleanup);
    await applyRepo("prs", repo.dir, "  webhook:\n    secretRef: PR_HOOK\n");
    expect((await api(up, "PUT", "/api/v1/repositories/prs/secrets/PR_HOOK", { value: "pr-s3cret" })).status).toBe(200);
    git(repo.dir, "checkout", "-q", "-b", "feature");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${repo.dir}/FEATURE`, "new button\n");
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "feature");
    const head = git(repo.dir, "rev-parse", "HEAD").trim();
    git(repo.dir, "checkout", "-q", "main");
    const body = JSON.stringify({
      action: "opened", number: 7,
      pull_request: { number: 7, title: "Add a button", head: { ref: "feature", sha: head }, base: { ref: "main", sha: git(repo.dir, "rev-parse", "main").trim() }, user: { login: "dev" } },
      repository: { full_name: "acme/prs" }, sender: { login: "dev" },
    });
    const sig = `sha256=${createHmac("sha256", "pr-s3cret").update(body).digest("hex")}`;
    const res = await fetch(`${up.url}/webhooks/prs`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "pull_request", "x-github-delivery": "pr-1", "x-hub-signature-256": sig }, body });
    expect(res.status).toBe(202);
    // The run is at the test merge of the head into main, as on GitHub.
    const sha = await waitFor(async () => (await api<{ items: Array<{ sha: string }> }>(up, "GET", "/api/v1/runs?repository=prs")).body.items[0]?.sha, 20_000, () => "no pull request run");
    expect(sha).not.toBe(head);
    const run = await runFor("prs", sha);
    expect(run.conclusion).toBe("success");
    expect(await logText(run.jobs[0]?.id ?? 0)).toContain("checking feature into main: new button");
  });

  it("cancels the run in progress when a newer run of the same concurrency group starts (cancel-in-progress)", async () => {
    const repo = makeRepo({ ".github/workflows/deploy.yml": "on: push\nconcurrency:\n  group: deploy-${{ github.ref }}\n  cancel-in-progress: true\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep ${{ github.event.head_commit.message == 'slow' && 30 || 0 }}\n" });
    cleanups.push(repo.cleanup);
    await applyRepo("concurrent", repo.dir);
    const { writeFileSync } = await import("node:fs");
    const commit = (msg: string): string => {
      writeFileSync(`${repo.dir}/${msg}`, msg);
      git(repo.dir, "add", "-A");
      git(repo.dir, "commit", "-q", "-m", msg);
      return git(repo.dir, "rev-parse", "HEAD").trim();
    };
    const slow = commit("slow");
    const slowId = await waitFor(async () => (await api<{ items: Array<{ id: number; sha: string; status: string }> }>(up, "GET", "/api/v1/runs?repository=concurrent")).body.items.find((r) => r.sha === slow && r.status === "in_progress")?.id, 20_000, () => "the slow run never started");
    const fast = commit("fast");
    const fastRun = await runFor("concurrent", fast);
    expect(fastRun.conclusion).toBe("success");
    const slowRun = await waitFor(async () => {
      const r = (await api<Run>(up, "GET", `/api/v1/runs/${slowId}`)).body;
      return r.status === "completed" ? r : undefined;
    }, 20_000, () => "the slow run was not cancelled");
    expect(slowRun.conclusion).toBe("cancelled");
  });

  it("publishes the JSON Schema of each resource kind", async () => {
    const r = await api<{ required?: string[]; properties?: { spec?: { required?: string[] } } }>(up, "GET", "/api/v1/schemas/repository");
    expect(r.status).toBe(200);
    expect(r.body.properties?.spec?.required).toContain("url");
  });

  it("answers 401 without a token, except for health checks", async () => {
    expect((await fetch(`${up.url}/api/v1/runs`)).status).toBe(401);
    expect((await fetch(`${up.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${up.url}/api/v1/runs`, { headers: { authorization: "Bearer ferry_nope" } })).status).toBe(401);
  });

  it("rejects an invalid Repository as a whole, naming file, line and field, and applies nothing", async () => {
    const text = "apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ok-one\nspec:\n  url: /tmp/x\n---\napiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: bad\nspec:\n  url: /tmp/y\n  pollInterval: soon\n";
    const r = await api<{ error: { details: Array<{ file: string; line: number; path: string }> } }>(up, "POST", "/api/v1/apply", { documents: [{ file: "repos.yaml", text }] });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0]).toMatchObject({ file: "repos.yaml", line: 14, path: "spec.pollInterval" });
    expect((await api(up, "GET", "/api/v1/resources/repository/ok-one")).status).toBe(404);
  });
});
