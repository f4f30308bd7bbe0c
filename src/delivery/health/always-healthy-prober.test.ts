import { describe, expect, it } from "vitest";
import { alwaysHealthyProber } from "./always-healthy-prober.js";
import type { HealthChange } from "./types.js";

describe("alwaysHealthyProber", () => {
  it("is Healthy at once and tells onChange so", async () => {
    const changes: HealthChange[] = [];
    const prober = alwaysHealthyProber({ onChange: (change) => changes.push(change) });
    expect(prober.state).toBe("Healthy");
    await prober.waitFor("Healthy");
    expect(changes).toEqual([{ state: "Healthy", previous: "Progressing", message: prober.lastMessage }]);
    prober.stop();
  });

  it("never becomes Degraded: waiting for it ends only on stop", async () => {
    const prober = alwaysHealthyProber();
    const waiting = prober.waitFor("Degraded");
    prober.stop();
    await expect(waiting).rejects.toMatchObject({ code: "prober-stopped" });
  });
});
