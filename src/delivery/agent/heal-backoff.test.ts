import { describe, expect, it } from "vitest";
import { createHealBackoff } from "./heal-backoff.js";

describe("createHealBackoff", () => {
  it("heals at once a few times, then waits longer and longer for a thing that keeps coming back", () => {
    const backoff = createHealBackoff();
    let now = 0;
    for (let i = 0; i < 3; i++) {
      expect(backoff.allows("stray:web", now)).toBe(true);
      backoff.healed("stray:web", now);
      now += 100;
    }

    expect(backoff.allows("stray:web", now)).toBe(false);
    expect(backoff.allows("stray:web", now + 1000)).toBe(true);
    backoff.healed("stray:web", now + 1000);
    expect(backoff.allows("stray:web", now + 2500)).toBe(false);
    expect(backoff.allows("stray:web", now + 3000)).toBe(true);
    expect(backoff.allows("changed:web:0", now)).toBe(true);
  });

  it("starts over once the thing has been quiet for a minute", () => {
    const backoff = createHealBackoff();
    for (let i = 0; i < 10; i++) backoff.healed("stray:web", i);

    expect(backoff.allows("stray:web", 100)).toBe(false);
    expect(backoff.allows("stray:web", 70_000)).toBe(true);
  });
});
