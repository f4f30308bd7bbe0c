import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";
import { createPodmanSandbox } from "./podman-helpers.js";
import type { PodmanSandbox } from "./podman-helpers.js";

/**
 * Container jobs under `ferry up`: the embedded runner finds podman (with CONTAINERS_CONF),
 * advertises the `container` label and runs `container:` jobs and `docker://` steps. The image is
 * a tiny busybox built FROM scratch in a temporary storage (there is no network).
 * Needs `apt-get install -y podman runc busybox-static` and the built CLI (`npm run build`).
 */

const IMAGE = "localhost/ferry-server-e2e/busybox:1";

type Run = { id: number; status: string; conclusion: string | null; sha: string; jobs: Array<{ id: number; name: string; status: string; conclusion: string | null; labels?: string[] }> };

let sandbox: PodmanSandbox;
let up: Up;
const cleanups: Array<() => void> = [];

const podman = (...args: string[]): Promise<string> => sandbox.podman(...args);

beforeAll(async () => {
  sandbox = createPodmanSandbox("ferry-server-containers-");
  await sandbox.buildImage(IMAGE, { install: true, cmd: ["/bin/sh"] });
  up = await startFerry("up", sandbox.env);
}, 180_000);

afterAll(async () => {
  await up.stop();
  removeDir(up.dataDir);
  for (const c of cleanups) c();
  await sandbox.cleanup();
}, 120_000);

async function applyRepo(name: string, dir: string): Promise<void> {
  const yaml = `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: ${name}\nspec:\n  url: ${dir}\n  pollInterval: 1s\n`;
  expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: `${name}.yaml`, text: yaml }] })).status).toBe(200);
  await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", `/api/v1/resources/repository/${name}`)).body.status?.ready, 10_000, () => `repository ${name} never became ready`);
}

async function runFor(repo: string, sha: string): Promise<Run> {
  const id = await waitFor(async () => (await api<{ items: Array<{ id: number; sha: string }> }>(up, "GET", `/api/v1/runs?repository=${repo}`)).body.items.find((r) => r.sha === sha)?.id, 20_000, () => `no run for ${sha}`);
  return waitFor(async () => {
    const r = (await api<Run>(up, "GET", `/api/v1/runs/${id}`)).body;
    return r.status === "completed" ? r : undefined;
  }, 120_000, () => `run ${id} did not complete:\n${up.output()}`);
}

async function logText(jobId: number): Promise<string> {
  const r = await api<{ records: Array<{ type: string; text?: string; message?: string }> }>(up, "GET", `/api/v1/jobs/${jobId}/logs`);
  return r.body.records.map((x) => x.text ?? x.message ?? "").join("\n");
}

function commitWorkflow(dir: string, file: string, text: string): string {
  mkdirSync(join(dir, ".github/workflows"), { recursive: true });
  writeFileSync(join(dir, ".github/workflows", file), text);
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", `add ${file}`);
  return git(dir, "rev-parse", "HEAD").trim();
}

describe("ferry up: container jobs on the server's runner", () => {
  it("runs a job in its container: and a docker:// step, with the checkout mounted, and removes the containers", async () => {
    const repo = makeRepo({ "hello.txt": "from the repository\n" });
    cleanups.push(repo.cleanup);
    await applyRepo("boxed", repo.dir);
    const sha = commitWorkflow(repo.dir, "ci.yml", [
      "on: push",
      "jobs:",
      "  inside:",
      "    runs-on: ubuntu-latest",
      "    container:",
      `      image: ${IMAGE}`,
      "      env:",
      "        WHERE: the job container",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - run: echo \"in $WHERE, busybox $(test -x /bin/busybox && echo present), $(cat hello.txt)\"",
      `      - uses: docker://${IMAGE}`,
      "        with:",
      "          entrypoint: /bin/sh",
      "          args: -c \"echo docker step sees $(cat hello.txt)\"",
      "",
    ].join("\n"));
    const run = await runFor("boxed", sha);
    const job = run.jobs[0];
    if (!job) throw new Error("no job");
    const log = await logText(job.id);
    expect(run.conclusion, log).toBe("success");
    expect(log).toContain("in the job container, busybox present, from the repository");
    expect(log).toContain("docker step sees from the repository");
    const left = await podman("ps", "-a", "--filter", "label=ferry", "--format", "{{.Names}}");
    expect(left.trim()).toBe("");
  }, 180_000);

  it("starts a job's services: the job container reaches a service by its name", async () => {
    const srv = join(sandbox.dir, "srv");
    mkdirSync(srv, { recursive: true });
    writeFileSync(join(srv, "index.html"), "hello from the service\n");
    const repo = makeRepo({ "README.md": "x\n" });
    cleanups.push(repo.cleanup);
    await applyRepo("serviced", repo.dir);
    const sha = commitWorkflow(repo.dir, "ci.yml", [
      "on: push",
      "jobs:",
      "  with-service:",
      "    runs-on: ubuntu-latest",
      `    container: ${IMAGE}`,
      "    services:",
      "      web:",
      `        image: ${IMAGE}`,
      "        command: busybox httpd -f -p 8080 -h /srv",
      `        volumes: ["${srv}:/srv"]`,
      '        options: --health-cmd "busybox wget -q -O /dev/null http://localhost:8080/index.html" --health-interval 200ms --health-retries 50',
      "    steps:",
      "      - run: |",
      "          echo \"got: $(busybox wget -q -O - http://web:8080/index.html)\"",
      "",
    ].join("\n"));
    const run = await runFor("serviced", sha);
    expect(run.jobs, JSON.stringify(run)).toHaveLength(1);
    const log = await logText(run.jobs[0]?.id ?? 0);
    expect(run.conclusion, log).toBe("success");
    expect(log).toContain("got: hello from the service");
    const left = await podman("ps", "-a", "--filter", "label=ferry", "--format", "{{.Names}}");
    expect(left.trim()).toBe("");
  }, 180_000);
});
