import { describe, expect, it } from "vitest";
import { firesAt } from "./schedules.js";

describe("cron schedules", () => {
  it.each([
    ["*/15 * * * *", "2026-11-21T10:30:00Z", true],
    ["*/15 * * * *", "2026-11-21T10:31:00Z", false],
    ["0 3 * * 1", "2026-11-23T03:00:00Z", true],
    ["0 3 * * 1", "2026-11-24T03:00:00Z", false],
    ["5 4 * * *", "2026-11-21T04:05:00Z", true],
  ])("%s fires at %s: %s", (expr, at, expected) => {
    expect(firesAt(expr, new Date(at))).toBe(expected);
  });
});
