import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { alive, ferry, makeRepo } from "./helpers.js";

const cleanups: Array<() => void> = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });
function repo(files: Record<string, string>, branch?: string): string {
  const r = makeRepo(files, branch);
  cleanups.push(r.cleanup);
  return r.dir;
}

describe("ferry run: exit codes", () => {
  it("exits 0 when every job succeeds and prints a table of jobs", async () => {
    const dir = repo({ ".github/workflows/ci.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hello-from-build\n" });
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("hello-from-build");
    expect(r.out).toMatch(/build\s+✓ success/);
  });

  it("exits 1 when a step fails, and later steps are skipped", async () => {
    const dir = repo({ ".github/workflows/ci.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 3\n      - run: echo never-printed\n      - if: failure()\n        run: echo cleanup-ran\n" });
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("Process completed with exit code 3");
    expect(r.out).not.toContain("| never-printed");
    expect(r.out).toContain("cleanup-ran");
  });

  it("exits 2 on an invalid workflow, naming file, line and column, without a stack trace", async () => {
    const dir = repo({ ".github/workflows/bad.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout\n" });
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(".github/workflows/bad.yml (Line: 6, Col: 15)");
    expect(r.out).not.toMatch(/^\s+at /m);
  });

  it("exits 2 on an unknown flag", async () => {
    const dir = repo({ ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: true\n" });
    const r = await ferry(dir, ["run", "--no-such-flag"]);
    expect(r.code).toBe(2);
  });
});

describe("ferry run: jobs", () => {
  it("passes outputs along needs and skips dependents of a failed job", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  make:
    runs-on: ubuntu-latest
    outputs:
      version: \${{ steps.v.outputs.version }}
    steps:
      - id: v
        run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
  use:
    needs: make
    runs-on: ubuntu-latest
    steps:
      - run: echo "got \${{ needs.make.outputs.version }}"
  broken:
    runs-on: ubuntu-latest
    steps:
      - run: exit 1
  after-broken:
    needs: broken
    runs-on: ubuntu-latest
    steps:
      - run: echo should-not-run
  always-after:
    needs: broken
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "broken was \${{ needs.broken.result }}"
`,
    });
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("got 1.2.3");
    expect(r.out).not.toContain("| should-not-run");
    expect(r.out).toMatch(/after-broken\s+- skipped/);
    expect(r.out).toContain("broken was failure");
  });

  it("reports outcome and conclusion separately with continue-on-error", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: flaky
        continue-on-error: true
        run: exit 1
      - run: echo "outcome=\${{ steps.flaky.outcome }} conclusion=\${{ steps.flaky.conclusion }}"
`,
    });
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("outcome=failure conclusion=success");
  });

  it("expands a dynamic matrix from a job output and cancels siblings on fail-fast", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      list: \${{ steps.p.outputs.list }}
    steps:
      - id: p
        run: echo 'list=["a","b","c"]' >> "$GITHUB_OUTPUT"
  each:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      matrix:
        item: \${{ fromJSON(needs.plan.outputs.list) }}
    steps:
      - run: echo "item \${{ matrix.item }} of \${{ strategy.job-total }}"
`,
    });
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(0);
    for (const x of ["a", "b", "c"]) expect(r.out).toContain(`item ${x} of 3`);
    expect(r.out).toContain("each (a)");
  });

  it("selects jobs with --job and runs what they need", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": "on: push\njobs:\n  one:\n    runs-on: x\n    steps:\n      - run: echo ran-one\n  two:\n    needs: one\n    runs-on: x\n    steps:\n      - run: echo ran-two\n  three:\n    runs-on: x\n    steps:\n      - run: echo ran-three\n",
    });
    const r = await ferry(dir, ["run", "--job", "two"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("ran-one");
    expect(r.out).toContain("ran-two");
    expect(r.out).not.toContain("ran-three");
  });
});

describe("ferry run: events and filters", () => {
  it("runs only the workflows whose branch filter matches the pushed branch", async () => {
    const dir = repo({
      ".github/workflows/main-only.yml": "on:\n  push:\n    branches: [main]\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo main-only-ran\n",
      ".github/workflows/features.yml": "on:\n  push:\n    branches: ['feature/**']\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo feature-ran\n",
    }, "feature/login");
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("feature-ran");
    expect(r.out).not.toContain("main-only-ran");
  });

  it("says so when no workflow is triggered", async () => {
    const dir = repo({ ".github/workflows/pr.yml": "on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: true\n" });
    const r = await ferry(dir, ["run", "--event", "push"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("no workflow is triggered by the push event");
  });

  it("synthesizes the push payload from Git", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n          echo \"ref=${{ github.ref }} sha=${{ github.sha }}\"\n          echo \"head=${{ github.event.head_commit.message }}\"\n          test \"$GITHUB_SHA\" = \"$(git rev-parse HEAD)\"\n",
    });
    const r = await ferry(dir, ["run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("ref=refs/heads/main");
    expect(r.out).toContain("head=initial");
  });

  it("never runs untrusted event data as a command when it reaches a step through env", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": "on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n        run: |\n          echo \"title: $TITLE\"\n          test ! -e pwned && test ! -e pwned2\n",
      "event.json": JSON.stringify({ action: "opened", pull_request: { title: "$(touch pwned) `touch pwned2`", head: { ref: "x" }, base: { ref: "main" } } }),
    });
    const r = await ferry(dir, ["run", "--event", "pull_request", "--event-path", "event.json", "--keep"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("title: $(touch pwned) `touch pwned2`");
  });
});

describe("ferry run: secrets and masking", () => {
  it("masks secrets, each line of a multi-line secret, base64 forms and ::add-mask:: values", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  a:
    runs-on: x
    steps:
      - run: |
          echo "plain \${{ secrets.TOKEN }}"
          echo "b64 $(printf %s '\${{ secrets.TOKEN }}' | base64)"
          printf '%s\\n' "\${{ secrets.MULTI }}"
          echo "::add-mask::runtime-value-42"
          echo "later runtime-value-42"
`,
    });
    const r = await ferry(dir, ["run", "--secret", "TOKEN=s3cr3t-token-value", "--secret", "MULTI=first-line-secret\nsecond-line-secret"]);
    expect(r.code).toBe(0);
    for (const s of ["s3cr3t-token-value", Buffer.from("s3cr3t-token-value").toString("base64"), "first-line-secret", "second-line-secret", "runtime-value-42"]) {
      expect(r.out).not.toContain(s);
    }
    expect(r.out).toContain("plain ***");
    expect(r.out).toContain("later ***");
  });
});

describe("ferry run: processes", () => {
  it("kills the whole process tree when timeout-minutes passes, and leaves no process behind", async () => {
    const dir = repo({
      ".github/workflows/ci.yml": `on: push
jobs:
  slow:
    runs-on: x
    timeout-minutes: 0.03
    steps:
      - run: |
          sleep 300 &
          echo $! > "$PIDS/child.pid"
          sleep 300
  bg:
    runs-on: x
    steps:
      - run: |
          sleep 300 &
          echo $! > "$PIDS/bg.pid"
      - run: echo next-step-ran
`,
    });
    const pids = join(dir, "pids");
    mkdirSync(pids);
    const r = await ferry(dir, ["run", "--env", `PIDS=${pids}`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("exceeded its timeout");
    expect(r.out).toContain("next-step-ran");
    for (const f of ["child.pid", "bg.pid"]) {
      const pid = Number(readFileSync(join(pids, f), "utf8"));
      expect(pid).toBeGreaterThan(0);
      expect(alive(pid)).toBe(false);
    }
  });
});
