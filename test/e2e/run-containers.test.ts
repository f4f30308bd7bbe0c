import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ferry, makeRepo } from "./helpers.js";
import { createPodmanSandbox } from "./podman-helpers.js";
import type { PodmanSandbox } from "./podman-helpers.js";

/**
 * `ferry run` with podman: job containers, service containers, `docker://` steps and Docker
 * actions, on a tiny busybox image built FROM scratch in a temporary storage (there is no network).
 * Needs `apt-get install -y podman runc busybox-static` and the built CLI (`npm run build`).
 */

const IMAGE = "localhost/ferry-e2e/busybox:1";
const NO_SHELL_IMAGE = "localhost/ferry-e2e/no-shell:1";

let sandbox: PodmanSandbox;
let env: Record<string, string>;
let srv: string;

const podman = (...args: string[]): Promise<string> => sandbox.podman(...args);

const cleanups: Array<() => void> = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });
function repo(files: Record<string, string>): string {
  const r = makeRepo(files);
  cleanups.push(r.cleanup);
  return r.dir;
}

/** Containers and networks that ferry labelled; none may outlive a run. */
async function leftovers(): Promise<string> {
  const containers = await podman("ps", "-a", "--filter", "label=ferry", "--format", "{{.Names}} {{.Status}}");
  const networks = await podman("network", "ls", "--filter", "label=ferry", "--format", "{{.Name}}");
  return `${containers}${networks}`.trim();
}

beforeAll(async () => {
  sandbox = createPodmanSandbox("ferry-containers-e2e-");
  env = { ...sandbox.env, FERRY_HOME: join(sandbox.dir, "ferry-home") };
  await sandbox.buildImage(IMAGE, { install: true, cmd: ["/bin/sh"] });
  // No sh and no sleep: only its own command keeps it running.
  await sandbox.buildImage(NO_SHELL_IMAGE, { cmd: ["/bin/busybox", "sleep", "1000"] });
  srv = join(sandbox.dir, "srv");
  mkdirSync(srv);
  writeFileSync(join(srv, "index.html"), "hello from the service\n");
}, 120_000);

afterAll(async () => {
  await sandbox.cleanup();
}, 120_000);

describe("ferry run: container jobs", () => {
  it("runs steps in the job container: the workspace at the same path, outputs, env files, secrets masked", async () => {
    const dir = repo({
      "data.txt": "file-from-the-workspace\n",
      ".github/workflows/ci.yml": `on: push
jobs:
  inside:
    runs-on: ubuntu-latest
    container:
      image: ${IMAGE}
      env:
        FROM_CONTAINER_ENV: set-on-the-container
    steps:
      - id: first
        env:
          TOKEN: \${{ secrets.TOKEN }}
        run: |
          cat data.txt
          test -e /bin/busybox && echo "in-the-container"
          test "$GITHUB_WORKSPACE" = "\${{ github.workspace }}" && test "$(pwd)" = "$GITHUB_WORKSPACE" && echo "workspace-path-ok"
          echo "container env: $FROM_CONTAINER_ENV"
          echo "token: $TOKEN"
          echo "answer=42-from-container" >> "$GITHUB_OUTPUT"
          { echo "MULTI<<EOF"; echo line-one; echo line-two; echo EOF; } >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-on-path\\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - run: |
          echo "got \${{ steps.first.outputs.answer }}"
          echo "multi: $(echo "$MULTI" | tr '\\n' '+')"
          mytool
          echo "container id \${{ job.container.id }}" | cut -c1-20
      - working-directory: sub
        run: pwd | grep -q '/sub$' && echo "in-sub"
`,
      "sub/.keep": "",
    });
    const r = await ferry(dir, ["run", "--secret", "TOKEN=very-secret-value"], env);
    expect(r.out).toContain("✓ Initialize containers");
    for (const s of ["file-from-the-workspace", "in-the-container", "workspace-path-ok", "container env: set-on-the-container", "token: ***",
      "got 42-from-container", "multi: line-one+line-two+", "tool-on-path", "container id ", "in-sub"]) expect(r.out).toContain(s);
    expect(r.out).not.toContain("very-secret-value");
    expect(r.code, r.out).toBe(0);
    expect(await leftovers()).toBe("");
  });

  it("reaches a service by its id from the job container, and by its published port from a host job", async () => {
    const service = `
    services:
      web:
        image: ${IMAGE}
        command: busybox httpd -f -p 8080 -h /srv
        volumes: ["${srv}:/srv"]
        ports: ["8080"]
        options: --health-cmd "busybox wget -q -O /dev/null http://localhost:8080/index.html" --health-interval 200ms --health-retries 50`;
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  in-container:
    runs-on: ubuntu-latest
    container: ${IMAGE}${service}
    steps:
      - run: busybox wget -q -O - http://web:8080/index.html
  on-host:
    runs-on: ubuntu-latest${service}
    steps:
      - run: |
          test -n "\${{ job.services.web.id }}"
          echo "mapped port \${{ job.services.web.ports['8080'] }}"
          node -e "fetch('http://127.0.0.1:\${{ job.services.web.ports['8080'] }}/index.html').then(r => r.text()).then(t => console.log('host got: ' + t.trim()))"
      - uses: docker://${IMAGE}
        with:
          args: busybox wget -q -O - http://web:8080/index.html
`,
    });
    const r = await ferry(dir, ["run"], env);
    expect(r.out).toMatch(/\[in-container\] +\| hello from the service/);
    expect(r.out).toMatch(/mapped port \d+/);
    expect(r.out).toContain("host got: hello from the service");
    expect(r.out).toMatch(/\[on-host\] +\| hello from the service/);
    expect(r.out).toContain("Service web is healthy");
    expect(r.code, r.out).toBe(0);
    expect(await leftovers()).toBe("");
  });

  it("keeps an image without sh running with its own command", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  bare:
    runs-on: ubuntu-latest
    container: ${NO_SHELL_IMAGE}
    steps:
      - uses: docker://${IMAGE}
        with:
          args: echo sibling-step
`,
    });
    const r = await ferry(dir, ["run"], env);
    expect(r.out).toContain("has no sh and sleep to keep it running; starting it with its own command");
    expect(r.out).toContain("sibling-step");
    expect(r.code, r.out).toBe(0);
    expect(await leftovers()).toBe("");
  });
});

describe("ferry run: Docker steps and actions", () => {
  it("runs docker:// steps and a Dockerfile action with the workspace, inputs, args and entrypoint", async () => {
    const dir = repo({
      "data.txt": "workspace-data\n",
      "greet/action.yml": `name: greet
inputs:
  who:
    default: nobody
outputs:
  greeting:
    description: the greeting
runs:
  using: docker
  image: Dockerfile
  args: ["\${{ inputs.who }}", "two words"]
  env:
    FROM_ACTION: action-env
  post-entrypoint: /post.sh
`,
      "greet/Dockerfile": `FROM ${IMAGE}\nCOPY entry.sh post.sh /\nRUN chmod +x /entry.sh /post.sh\nENTRYPOINT ["/entry.sh"]\n`,
      "greet/entry.sh": '#!/bin/sh\necho "greet [$1] [$2] $FROM_ACTION $INPUT_WHO"\necho "greeting=hello $1" >> "$GITHUB_OUTPUT"\n',
      "greet/post.sh": '#!/bin/sh\necho "post-entrypoint ran"\n',
      ".github/workflows/ci.yml": `on: push
jobs:
  docker:
    runs-on: ubuntu-latest
    steps:
      - id: plain
        uses: docker://${IMAGE}
        with:
          entrypoint: sh
          args: -c "cat data.txt; echo \\"input=$INPUT_COLOR\\"; echo from-docker=yes >> $GITHUB_OUTPUT"
          color: blue
      - id: greet
        uses: ./greet
        with:
          who: ferry
      - run: echo "outputs \${{ steps.plain.outputs.from-docker }} \${{ steps.greet.outputs.greeting }}"
`,
    });
    const r = await ferry(dir, ["run"], env);
    for (const s of ["workspace-data", "input=blue", "greet [ferry] [two words] action-env ferry", "outputs yes hello ferry", "post-entrypoint ran"]) {
      expect(r.out).toContain(s);
    }
    expect(r.code, r.out).toBe(0);
    expect(await leftovers()).toBe("");
  });
});

describe("ferry run: stopping containers", () => {
  it("kills the exec'd process on a job or step timeout and leaves no container behind", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  job-timeout:
    runs-on: ubuntu-latest
    timeout-minutes: 0.05
    container: ${IMAGE}
    steps:
      - run: echo started; sleep 313; echo never-printed
  step-timeout:
    runs-on: ubuntu-latest
    container: ${IMAGE}
    steps:
      - run: sleep 314
        timeout-minutes: 0.03
        continue-on-error: true
      - run: ps -o args | grep -c "[s]leep 314" || echo "no-sleep-left"
`,
    });
    const r = await ferry(dir, ["run"], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain("[job-timeout]   | started");
    expect(r.out).toContain("The job exceeded its timeout of 0.05 minutes and was stopped");
    expect(r.out).not.toContain("| never-printed");
    expect(r.out).toContain("no-sleep-left");
    expect(r.out).toMatch(/step-timeout +✓ success/);
    expect(await leftovers()).toBe("");
    const ps = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(ps).not.toMatch(/sleep 31[34]/);
  });
});
