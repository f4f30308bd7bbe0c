import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ferry, git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";
import { createPodmanSandbox, podmanAvailable } from "./podman-helpers.js";

/**
 * Artifacts from workflows under `ferry up`: upload/download-artifact go through the built-in registry,
 * ferry/publish and `ferry artifact push` in a step publish with the job's own token, and the API links
 * each artifact to its run and back. Images pushed by `podman push` in a step are linked the same way.
 */
type Run = { id: number; status: string; conclusion: string | null; sha: string; jobs: Array<{ id: number; name: string; conclusion: string | null }> };
type Linked = { id: number; runId: number; kind: string; name: string; repository: string; reference: string; digest: string; run?: { id: number; sha: string; repository: string; job?: string } };

const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-artifacts-"));
const leak = join(tmp, "leaked-token");
const sandbox = createPodmanSandbox("ferry-e2e-artifacts-podman-");
const podman = podmanAvailable;

const WORKFLOW = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: mkdir -p out && echo "app built from $GITHUB_SHA" > out/app.txt
      - uses: actions/upload-artifact@v4
        with:
          name: app build
          path: out
      - id: pub
        uses: ferry/publish@v1
        with:
          name: team/app
          version: 1.0.\${{ github.run_number }}
          working-directory: out
          path: app.txt
      - run: echo "published \${{ steps.pub.outputs.reference }}"
      - run: ferry artifact push team/notes:run-\${{ github.run_id }} README.md
      - run: printf %s "$FERRY_TOKEN" > ${leak}
  use:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: app build
          path: got
      - run: cat got/app.txt
`;

let up: Up;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  up = await startFerry("up", sandbox.env);
});
afterAll(async () => {
  await up.stop();
  removeDir(up.dataDir);
  await sandbox.cleanup();
  for (const c of cleanups) c();
  removeDir(tmp);
}, 120_000);

async function applyRepo(name: string, dir: string): Promise<void> {
  const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${dir}\n  pollInterval: 1s\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text: yaml }] })).status).toBe(200);
}

/** A repository applied first, then a commit that adds `files`: the first commit Ferry sees as new. */
async function commitAfterApply(name: string, files: Record<string, string>): Promise<string> {
  const repo = makeRepo({ "README.md": "release notes\n" });
  cleanups.push(repo.cleanup);
  await applyRepo(name, repo.dir);
  await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", `/api/v1/resources/repository/${name}`)).body.status?.ready, 10_000, () => `repository ${name} never became ready`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo.dir, path, ".."), { recursive: true });
    writeFileSync(join(repo.dir, path), text);
  }
  git(repo.dir, "add", "-A");
  git(repo.dir, "commit", "-q", "-m", "add workflow");
  return git(repo.dir, "rev-parse", "HEAD").trim();
}

async function completedRun(repo: string, sha: string): Promise<Run> {
  const id = await waitFor(async () => (await api<{ items: Array<{ id: number; sha: string }> }>(up, "GET", `/api/v1/runs?repository=${repo}`)).body.items.find((r) => r.sha === sha)?.id, 30_000, () => `no run for ${sha}`);
  return waitFor(async () => {
    const r = (await api<Run>(up, "GET", `/api/v1/runs/${id}`)).body;
    return r.status === "completed" ? r : undefined;
  }, 90_000, () => `run ${id} did not complete`);
}

async function logText(jobId: number): Promise<string> {
  const r = await api<{ records: Array<{ type: string; text?: string; message?: string }> }>(up, "GET", `/api/v1/jobs/${jobId}/logs`);
  return r.body.records.map((x) => x.text ?? x.message ?? "").join("\n");
}

describe("artifacts from workflows under ferry up", () => {
  it("passes upload-artifact files to a later job through the registry and links published artifacts to the run and back", async () => {
    const sha = await commitAfterApply("shop", { ".github/workflows/ci.yml": WORKFLOW });

    const run = await completedRun("shop", sha);
    const use = run.jobs.find((j) => j.name === "use");
    expect(run.conclusion, await logText(run.jobs[0]?.id ?? 0)).toBe("success");
    if (!use) throw new Error("no use job");
    expect(await logText(use.id)).toContain(`app built from ${sha}`);

    // From the run to what it made.
    const made = (await api<{ items: Linked[] }>(up, "GET", `/api/v1/runs/${run.id}/artifacts`)).body.items;
    expect(made.map((a) => [a.kind, a.name, a.reference])).toEqual([
      ["workflow", "app build", expect.stringMatching(/^a-[0-9a-f]+$/) as unknown as string],
      ["artifact", "team/app", "1.0.1"],
      ["artifact", "team/notes", `run-${run.id}`],
    ]);

    // From the artifact back to the run, the commit and the job; its annotations say the same.
    const back = (await api<{ items: Linked[] }>(up, "GET", "/api/v1/artifacts?repository=team%2Fapp")).body.items;
    expect(back).toHaveLength(1);
    expect(back[0]?.run).toMatchObject({ id: run.id, sha, repository: "shop", job: "build" });
    const inspected = await ferry(tmp, ["artifact", "inspect", "team/app:1.0.1", "--server", up.url, "--token", up.token]);
    expect(inspected.code, inspected.out).toBe(0);
    expect(inspected.out).toContain(sha);
    expect(inspected.out).toContain(String(run.id));
    const pulled = await ferry(tmp, ["artifact", "pull", "team/app:1.0.1", join(tmp, "pulled"), "--server", up.url, "--token", up.token]);
    expect(pulled.code, pulled.out).toBe(0);
    expect(readFileSync(join(tmp, "pulled", "app.txt"), "utf8")).toBe(`app built from ${sha}\n`);

    // The job's token was masked in the log and stopped working when the job ended.
    const token = readFileSync(leak, "utf8");
    expect(token).toMatch(/^ferry_job_/);
    const logs = await Promise.all(run.jobs.map((j) => logText(j.id)));
    expect(logs.join("\n")).not.toContain(token);
    expect((await api({ url: up.url, token }, "GET", `/api/v1/runs/${run.id}/artifacts`)).status).toBe(401);
    const v2 = await fetch(`${up.url}/v2/team/app/tags/list`, { headers: { authorization: `Bearer ${token}` } });
    expect([401, 403]).toContain(v2.status);
  });

  it.skipIf(!podman)("links an image that a step builds and pushes with podman to the run", async () => {
    const busybox = join(tmp, "busybox");
    writeFileSync(busybox, readFileSync("/bin/busybox"));
    const workflow = `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cp ${busybox} busybox && podman build --quiet -t localhost/e2e/tiny:1 .
      - run: podman push --quiet --tls-verify=false --creds "ferry:$FERRY_TOKEN" localhost/e2e/tiny:1 "docker://$FERRY_REGISTRY/team/tiny:\${{ github.sha }}"
`;
    const sha = await commitAfterApply("images", { Containerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox","true"]\n', ".github/workflows/image.yml": workflow });
    const run = await completedRun("images", sha);
    expect(run.conclusion, await logText(run.jobs[0]?.id ?? 0)).toBe("success");
    const made = (await api<{ items: Linked[] }>(up, "GET", `/api/v1/runs/${run.id}/artifacts`)).body.items;
    expect(made).toEqual([expect.objectContaining({ kind: "image", name: "team/tiny", reference: sha })]);
    const back = (await api<{ items: Linked[] }>(up, "GET", `/api/v1/artifacts?digest=${encodeURIComponent(made[0]?.digest ?? "")}`)).body.items;
    expect(back[0]?.run).toMatchObject({ id: run.id, sha, repository: "images" });
  });
});
