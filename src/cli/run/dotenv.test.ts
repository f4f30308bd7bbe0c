import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it, expect } from "vitest";
import { InputError } from "../../workflow/index.js";
import { parseDotenv, parsePairs, readDotenv } from "./dotenv.js";

const parse = (content: string): Record<string, string> => Object.fromEntries(parseDotenv(content, ".env"));

describe("parseDotenv: values", () => {
  it.each<[string, string, Record<string, string>]>([
    ["a plain pair", "KEY=value", { KEY: "value" }],
    ["spaces around =", "KEY = value  ", { KEY: "value" }],
    ["an empty value", "KEY=", { KEY: "" }],
    ["= inside the value", "URL=https://x.test/?a=b&c=d", { URL: "https://x.test/?a=b&c=d" }],
    ["export prefix", "export KEY=value", { KEY: "value" }],
    ["export with extra spaces", "export   KEY=value", { KEY: "value" }],
    ["names with dots, dashes and underscores", "_A.b-C_1=x", { "_A.b-C_1": "x" }],
    ["later pairs override earlier ones", "K=1\nK=2", { K: "2" }],
    ["CRLF line endings", "A=1\r\nB=2\r\n", { A: "1", B: "2" }],
    // Double quotes: \n, \r, \t, \" and \\ are escapes.
    ["double quotes with \\n", 'MSG="line1\\nline2"', { MSG: "line1\nline2" }],
    ["double quotes with \\t and \\r", 'T="a\\tb\\rc"', { T: "a\tb\rc" }],
    ["double quotes with escaped quote and backslash", 'Q="say \\"hi\\" \\\\ bye"', { Q: 'say "hi" \\ bye' }],
    ["double quotes keep #", 'H="a # not a comment"', { H: "a # not a comment" }],
    ["double quotes keep surrounding spaces", 'S="  padded  "', { S: "  padded  " }],
    ["empty double quotes", 'E=""', { E: "" }],
    ["a double-quoted value over several lines", 'M="first\nsecond\n  third"\nNEXT=1', { M: "first\nsecond\n  third", NEXT: "1" }],
    ["a double-quoted value ending in an escaped backslash", 'B="dir\\\\"\nC=2', { B: "dir\\", C: "2" }],
    ["unknown escapes are kept", 'U="a\\qb"', { U: "a\\qb" }],
    ["an unterminated double quote at the end of the file takes the rest", 'A=1\nU="open', { A: "1", U: "open" }],
    // Single quotes: raw.
    ["single quotes are raw", "RAW='a\\nb $HOME \"x\"'", { RAW: 'a\\nb $HOME "x"' }],
    ["single quotes keep #", "H='a # b'", { H: "a # b" }],
    ["empty single quotes", "E=''", { E: "" }],
    // Comments.
    ["full-line comments and blank lines", "# comment\n\n  # indented comment\nA=1\n\n", { A: "1" }],
    ["a trailing comment after an unquoted value", "A=value # comment", { A: "value" }],
    ["# without a space before it is part of the value", "A=value#notcomment", { A: "value#notcomment" }],
    ["a trailing comment after a double-quoted value", 'A="quoted" # comment\nB=2', { A: "quoted", B: "2" }],
    ["a trailing comment after a single-quoted value", "A='quoted'   # comment\nB=2", { A: "quoted", B: "2" }],
    ["spaces after a closing quote", 'A="x"   \nB=2', { A: "x", B: "2" }],
    // JSON values work unquoted.
    ["a JSON object", 'JSON={"a":1,"b":[true,null],"c":"d"}', { JSON: '{"a":1,"b":[true,null],"c":"d"}' }],
    ["a JSON array", 'LIST=["x", "y"]', { LIST: '["x", "y"]' }],
    ["a JSON-looking value with #", 'J={"tag":"#1"}', { J: '{"tag":"#1"}' }],
  ])("%s", (_name, content, expected) => {
    expect(parse(content)).toEqual(expected);
  });
});

describe("parseDotenv: errors carry the line number", () => {
  it.each<[string, number]>([
    ["not a pair", 1],
    ["A=1\n\n# c\nbad line here\nB=2", 4],
    ["A=1\n=value", 2],
    ["A=1\n1ABC=x", 2],
    ["A=1\nexport\n", 2],
    ['A="x" trailing\nB=2', 1],
    ['A="multi\nline" junk', 2],
  ])("%j fails on line %i", (content, line) => {
    let caught: unknown;
    try {
      parseDotenv(content, "vars.env");
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).problems).toEqual([expect.objectContaining({ file: "vars.env", line })]);
  });
});

describe("readDotenv", () => {
  const dir = mkdtempSync(join(tmpdir(), "ferry-dotenv-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file", async () => {
    const file = join(dir, ".env");
    writeFileSync(file, 'export A=1\nB="two\\nlines"\n');
    expect(Object.fromEntries(await readDotenv(file))).toEqual({ A: "1", B: "two\nlines" });
  });

  it("a missing file is an InputError naming it", async () => {
    const file = join(dir, "missing.env");
    await expect(readDotenv(file)).rejects.toBeInstanceOf(InputError);
    await expect(readDotenv(file)).rejects.toThrow(/missing\.env: cannot read/);
  });
});

describe("parsePairs", () => {
  it.each<[string[], Record<string, string>]>([
    [["A=1"], { A: "1" }],
    [["A=1", "B=x=y"], { A: "1", B: "x=y" }],
    [["A="], { A: "" }],
    [["A=1", "A=2"], { A: "2" }],
  ])("%j", (values, expected) => {
    expect(Object.fromEntries(parsePairs(values, "--env"))).toEqual(expected);
  });

  it("a bare name takes its value from the environment", () => {
    process.env.FERRY_DOTENV_TEST = "from-env";
    try {
      expect(Object.fromEntries(parsePairs(["FERRY_DOTENV_TEST", "FERRY_DOTENV_UNSET_XYZ"], "--env"))).toEqual({
        FERRY_DOTENV_TEST: "from-env",
        FERRY_DOTENV_UNSET_XYZ: "",
      });
    } finally {
      delete process.env.FERRY_DOTENV_TEST;
    }
  });

  it("=value without a name is an InputError", () => {
    expect(() => parsePairs(["=x"], "--env")).toThrow(InputError);
  });
});
