import { describe, expect, it } from "vitest";
import { formatDuration, formatRelative } from "./relative-time.js";
import { toneOf } from "./status-badge.js";

describe("toneOf", () => {
  it.each([
    ["success", "ok"], ["Succeeded", "ok"], ["Healthy", "ok"], ["Synced", "ok"],
    ["failure", "bad"], ["Errored", "bad"], ["Degraded", "bad"],
    ["in_progress", "running"], ["Running", "running"], ["Progressing", "running"],
    ["queued", "pending"], ["Pending", "pending"],
    ["OutOfSync", "warn"], ["cancelled", "warn"], ["Aborted", "warn"], ["Missing", "warn"],
    ["Unknown", "neutral"], [null, "neutral"], ["something-new", "neutral"],
  ])("%s is %s", (value, tone) => {
    expect(toneOf(value)).toBe(tone);
  });
});

describe("formatRelative", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  it.each([
    ["2026-01-01T11:59:58Z", "just now"], ["2026-01-01T11:59:30Z", "30 s ago"], ["2026-01-01T11:57:00Z", "3 min ago"],
    ["2026-01-01T07:00:00Z", "5 h ago"], ["2025-12-30T12:00:00Z", "2 d ago"], ["2026-01-01T12:10:00Z", "in 10 min"], ["not a date", "—"],
  ])("%s is %s", (time, text) => {
    expect(formatRelative(time, now)).toBe(text);
  });
});

describe("formatDuration", () => {
  it.each([[null, "—"], [850, "850 ms"], [12_400, "12 s"], [184_000, "3 min 4 s"], [3_720_000, "1 h 2 min"]])("%s ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
