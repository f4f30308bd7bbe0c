import { describe, expect, it } from "vitest";
import { parseNameOnlyLog } from "./parse-name-only-log.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(64);

describe("parseNameOnlyLog", () => {
  it.each<[string, string, Array<{ id: string; paths: string[] }>]>([
    ["no commits", "", []],
    ["one commit, one file", `\x01${A}\0\nsrc/a.ts\0`, [{ id: A, paths: ["src/a.ts"] }]],
    ["newest first, several files", `\x01${A}\0\nb/z\0\x01${B}\0\na/x\0b/y\0`, [{ id: A, paths: ["b/z"] }, { id: B, paths: ["a/x", "b/y"] }]],
    ["an empty commit between two", `\x01${A}\0\nx\0\x01${B}\0\x01${C}\0\ny\0`, [{ id: A, paths: ["x"] }, { id: B, paths: [] }, { id: C, paths: ["y"] }]],
    ["a path with a newline and spaces, unquoted", `\x01${A}\0\na/new\nline\0docs/read me.md\0`, [{ id: A, paths: ["a/new\nline", "docs/read me.md"] }]],
    ["a path that starts with a newline", `\x01${A}\0\n\nodd\0`, [{ id: A, paths: ["\nodd"] }]],
  ])("%s", (_name, output, expected) => {
    expect(parseNameOnlyLog(output)).toEqual(expected);
  });
});
