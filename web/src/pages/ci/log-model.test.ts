import { describe, expect, it } from "vitest";
import { buildJobLog } from "./log-model.js";
import type { LogRecord } from "./log-model.js";

let seq = 0;
const rec = (type: string, fields: Record<string, unknown> = {}): LogRecord => ({ seq: ++seq, time: "2026-01-01T00:00:00Z", type, ...fields });

describe("buildJobLog", () => {
  it("puts lines under their step, numbered per step, with the step's result", () => {
    const log = buildJobLog([
      rec("job-start", { job: "build" }),
      rec("step-start", { step: "Checkout", index: 0 }),
      rec("line", { step: "Checkout", text: "cloning", stream: "stdout" }),
      rec("step-end", { step: "Checkout", index: 0, conclusion: "success", durationMs: 120 }),
      rec("step-start", { step: "Test", index: 1 }),
      rec("line", { step: "Test", text: "one", stream: "stdout" }),
      rec("line", { step: "Test", text: "oops", stream: "stderr" }),
    ]);
    expect(log.steps.map((s) => [s.name, s.status, s.conclusion, s.lines])).toEqual([["Checkout", "completed", "success", 1], ["Test", "in_progress", null, 2]]);
    expect(log.steps[1]?.items).toEqual([
      expect.objectContaining({ kind: "line", n: 1, text: "one", stream: "stdout" }),
      expect.objectContaining({ kind: "line", n: 2, text: "oops", stream: "stderr" }),
    ]);
    expect(log.ended).toBe(false);
  });

  it("folds ::group:: sections, nested ones too", () => {
    const log = buildJobLog([
      rec("step-start", { step: "Build", index: 0 }),
      rec("group", { step: "Build", title: "Install" }),
      rec("line", { step: "Build", text: "a" }),
      rec("group", { step: "Build", title: "Inner" }),
      rec("line", { step: "Build", text: "b" }),
      rec("endgroup", { step: "Build" }),
      rec("endgroup", { step: "Build" }),
      rec("line", { step: "Build", text: "after" }),
    ]);
    const items = log.steps[0]?.items ?? [];
    expect(items.map((i) => i.kind)).toEqual(["group", "line"]);
    const outer = items[0];
    expect(outer?.kind === "group" && outer.items.map((i) => (i.kind === "line" ? i.text : i.kind === "group" ? `[${i.title}]` : ""))).toEqual(["a", "[Inner]"]);
  });

  it("collects annotations with file and line, where they were emitted and for the summary", () => {
    const log = buildJobLog([
      rec("step-start", { step: "Lint", index: 0 }),
      rec("annotation", { step: "Lint", level: "error", message: "bad thing", file: "src/a.ts", line: 3, col: 7 }),
      rec("annotation", { step: "Lint", level: "debug", message: "noise" }),
      rec("step-end", { step: "Lint", index: 0, conclusion: "failure" }),
      rec("job-end", { result: "failure" }),
    ]);
    expect(log.annotations).toEqual([expect.objectContaining({ level: "error", message: "bad thing", file: "src/a.ts", line: 3, col: 7, step: "Lint" })]);
    expect(log.steps[0]?.items.map((i) => i.kind)).toEqual(["annotation", "annotation"]);
    expect(log).toMatchObject({ ended: true, result: "failure" });
  });

  it("gives lines before any step to 'Set up job'", () => {
    const log = buildJobLog([rec("line", { text: "preparing" })]);
    expect(log.steps.map((s) => s.name)).toEqual(["Set up job"]);
  });
});
