import { describe, expect, it } from "vitest";
import { InvalidDurationError, parseDuration } from "./parse-duration.js";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["1s", 1_000],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["2m30s", 150_000],
    ["1m500ms", 60_500],
    ["1.5h", 5_400_000],
    ["0.5s", 500],
    ["0s", 0],
    ["90m", 5_400_000],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "30", "s", "5x", "-5s", "+5s", "1h 30m", " 30s", "30s ", "1.s", ".5s", "5M", "5S", "1d", "1e3s", "30 s", `${"9".repeat(20)}h`])(
    "rejects %j",
    (text) => {
      expect(() => parseDuration(text)).toThrow(InvalidDurationError);
    },
  );

  it("names the input and a stable code in the error", () => {
    const error: unknown = (() => {
      try {
        return parseDuration("5x");
      } catch (caught: unknown) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidDurationError);
    expect(error).toMatchObject({ code: "invalid-duration", input: "5x" });
  });
});
