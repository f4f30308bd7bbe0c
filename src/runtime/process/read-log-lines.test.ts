import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collect } from "../contract.testing.js";
import { readLogLines } from "./read-log-lines.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ferry-log-lines-"));
  file = join(dir, "replica.log");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const done = { isDone: () => true };

describe("readLogLines", () => {
  it.each([
    ["a\nb\nc\n", undefined, ["a", "b", "c"]],
    ["a\nb\nc", undefined, ["a", "b", "c"]],
    ["a\nb\nc\n", 2, ["b", "c"]],
    ["a\nb\nc", 2, ["b", "c"]],
    ["a\nb\nc\n", 10, ["a", "b", "c"]],
    ["a\nb\nc\n", 0, []],
    ["\n\nlast\n", 2, ["", "last"]],
    ["", 3, []],
  ])("reads %j with tailLines %s as %j", async (content, tailLines, expected) => {
    writeFileSync(file, content);

    expect(await collect(readLogLines(file, { ...done, ...(tailLines === undefined ? {} : { tailLines }) }))).toEqual(expected);
  });

  it("finds the last lines of a log larger than one read", async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(20)}`);
    writeFileSync(file, `${lines.join("\n")}\n`);

    expect(await collect(readLogLines(file, { ...done, tailLines: 3 }))).toEqual(lines.slice(-3));
  });

  it("keeps multi-byte characters whole across reads", async () => {
    const line = "é".repeat(70_000);
    writeFileSync(file, `${line}\nnext\n`);

    expect(await collect(readLogLines(file, done))).toEqual([line, "next"]);
  });

  it("follows new lines until the writer is done, then ends with what is left", async () => {
    writeFileSync(file, "first\n");
    let writerDone = false;
    const seen: string[] = [];

    for await (const line of readLogLines(file, { follow: true, isDone: () => writerDone, pollMs: 10 })) {
      seen.push(line);
      if (line === "first") appendFileSync(file, "second\nthird, without newline");
      if (line === "second") writerDone = true;
    }

    expect(seen).toEqual(["first", "second", "third, without newline"]);
  });

  it("stops following when aborted", async () => {
    writeFileSync(file, "only\n");
    const abort = new AbortController();
    const seen: string[] = [];

    for await (const line of readLogLines(file, { follow: true, isDone: () => false, signal: abort.signal, pollMs: 10 })) {
      seen.push(line);
      abort.abort();
    }

    expect(seen).toEqual(["only"]);
  });

  it("reads a missing log as empty", async () => {
    expect(await collect(readLogLines(join(dir, "none.log"), done))).toEqual([]);
  });
});
