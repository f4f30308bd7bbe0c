import { describe, expect, it } from "vitest";
import { makeContext } from "./git-fixture.testing.js";
import { runStep } from "./run-step.js";
import { createWaitForSyncStep } from "./wait-for-sync.js";

const step = createWaitForSyncStep();
const config = { application: "app-dev", revision: "${{ outputs.push.commit }}" };
const vars = { outputs: { push: { commit: "c0ffee" } } };

describe("wait-for-sync step", () => {
  it("fails when the controller gave no way to wait", async () => {
    expect(await runStep(step, config, makeContext("/tmp", { vars }), { ms: 60_000, text: "1m" })).toMatchObject({ status: "Failed" });
  });

  it("asks the controller to wait for the revision and reports its answer", async () => {
    const asked: unknown[] = [];
    const ctx = makeContext("/tmp", {
      vars,
      waitForSync: (args) => {
        asked.push({ application: args.application, revision: args.revision });
        return Promise.resolve({ ok: false, message: "app-dev is Degraded at c0ffee" });
      },
    });
    expect(await runStep(step, config, ctx, { ms: 60_000, text: "1m" })).toMatchObject({ status: "Failed", message: "app-dev is Degraded at c0ffee" });
    expect(asked).toEqual([{ application: "app-dev", revision: "c0ffee" }]);
  });

  it("errors after its timeout, aborting the wait", async () => {
    let waitSignal: AbortSignal | undefined;
    const ctx = makeContext("/tmp", {
      vars,
      waitForSync: ({ signal }) => {
        waitSignal = signal;
        return new Promise((resolve) => signal.addEventListener("abort", () => resolve({ ok: false, message: "stopped" })));
      },
    });
    expect(await runStep(step, config, ctx, { ms: 200, text: "200ms" })).toEqual({ status: "Errored", message: "timed out after 200ms" });
    expect(waitSignal?.aborted).toBe(true);
  });
});
