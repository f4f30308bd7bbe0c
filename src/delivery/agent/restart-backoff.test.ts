import { describe, expect, it } from "vitest";
import { createRestartBackoff } from "./restart-backoff.js";

describe("createRestartBackoff", () => {
  it("restarts a slot at once the first time, then waits longer each time, and calls three exits in a row crashing", () => {
    const backoff = createRestartBackoff();

    backoff.exited(0, "exit code 1", 1000);
    const first = backoff.get(0)?.notBefore;
    backoff.exited(0, "exit code 1", 1000);
    const second = backoff.get(0)?.notBefore;
    expect(backoff.crashing()).toBeUndefined();
    backoff.exited(0, "signal SIGKILL", 1000);

    expect([first, second, backoff.get(0)?.notBefore]).toEqual([1000, 1200, 1400]);
    expect(backoff.crashing()).toEqual({ index: 0, lastExit: "signal SIGKILL" });
    backoff.reset(0);
    expect(backoff.get(0)).toBeUndefined();
  });
});
