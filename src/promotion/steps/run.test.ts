import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeContext } from "./git-fixture.testing.js";
import { createRunStep } from "./run.js";
import { runStep } from "./run-step.js";

let workDir: string;
beforeAll(async () => {
  workDir = await realpath(await mkdtemp(path.join(os.tmpdir(), "ferry-run-")));
  await mkdir(path.join(workDir, "config"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const step = createRunStep();
const run = (config: unknown) => runStep(step, config, makeContext(workDir), { ms: 60_000, text: "1m" });

describe("run step", () => {
  it("succeeds on exit 0 with the output", async () => {
    expect(await run({ command: ["printf", "%s-%s", "a", "b"] })).toEqual({ status: "Succeeded", outputs: { exitCode: 0, stdout: "a-b" } });
  });

  it("fails on a non-zero exit, with the code and the end of stderr", async () => {
    const out = await run({ command: ["sh", "-c", "echo partial; echo 'bad input' >&2; exit 3"] });
    expect(out).toEqual({ status: "Failed", message: "sh exited with code 3: bad input", outputs: { exitCode: 3, stdout: "partial\n" } });
  });

  it("uses no shell: $HOME, globs and quotes reach the program as written", async () => {
    const out = await run({ command: ["printf", "%s|", "$HOME", "*", "'q'; echo injected"] });
    expect(out.outputs?.stdout).toBe("$HOME|*|'q'; echo injected|");
  });

  it("runs in cwd under the work directory with the given env and not the server's", async () => {
    process.env.FERRY_TEST_SERVER_SECRET = "s3cret";
    try {
      const out = await run({ command: ["sh", "-c", 'pwd; echo "$STAGE"; echo "${FERRY_TEST_SERVER_SECRET:-unset}"'], cwd: "config", env: { STAGE: "dev" } });
      expect(out.outputs?.stdout).toBe(`${path.join(workDir, "config")}\ndev\nunset\n`);
    } finally {
      delete process.env.FERRY_TEST_SERVER_SECRET;
    }
  });

  it("refuses a cwd outside the work directory", async () => {
    expect(await run({ command: ["true"], cwd: "../.." })).toMatchObject({ status: "Errored", message: expect.stringContaining("outside the promotion's work directory") as string });
  });

  it("fails clearly when the program does not exist", async () => {
    expect(await run({ command: ["ferry-no-such-program"] })).toEqual({ status: "Failed", message: 'cannot run "ferry-no-such-program": not found' });
  });
});
