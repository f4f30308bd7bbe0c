import { describe, expect, it } from "vitest";
import { parseDuration } from "./parse-duration.js";

describe("parseDuration", () => {
  it.each<[string, number | undefined]>([
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["250ms", 250],
    ["", undefined],
    ["5 minutes", undefined],
    ["-1h", undefined],
  ])("%j is %j ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});
