import { describe, it, expect } from "vitest";
import { parseEnvFile, parsePathFile } from "./env-files.js";

describe("parseEnvFile", () => {
  it.each<[string, string, Array<[string, string]>]>([
    ["empty file", "", []],
    ["simple pair", "A=1\n", [["A", "1"]]],
    ["no trailing newline", "A=1\nB=2", [["A", "1"], ["B", "2"]]],
    ["splits at the first =", "URL=a=b==c\n", [["URL", "a=b==c"]]],
    ["empty value", "EMPTY=\n", [["EMPTY", ""]]],
    ["value keeps spaces", "A= x y \n", [["A", " x y "]]],
    ["empty lines skipped", "\nA=1\n\n\nB=2\n\n", [["A", "1"], ["B", "2"]]],
    ["CRLF", "A=1\r\nB=2\r\n", [["A", "1"], ["B", "2"]]],
    ["CRLF without final newline", "A=1\r\nB=2\r", [["A", "1"], ["B", "2"]]],
    ["duplicates kept in order", "A=1\nB=x\nA=2\n", [["A", "1"], ["B", "x"], ["A", "2"]]],
    ["heredoc", "JSON<<EOF\n{\n  \"a\": 1\n}\nEOF\n", [["JSON", '{\n  "a": 1\n}']]],
    ["heredoc, no final newline", "M<<EOF\nx\ny\nEOF", [["M", "x\ny"]]],
    ["heredoc, CRLF", "M<<EOF\r\nx\r\ny\r\nEOF\r\n", [["M", "x\ny"]]],
    ["heredoc keeps empty lines", "M<<EOF\n\na\n\nEOF\n", [["M", "\na\n"]]],
    ["empty heredoc", "M<<EOF\nEOF\n", [["M", ""]]],
    ["heredoc with = in body", "M<<EOF\nA=1\nEOF\nB=2\n", [["M", "A=1"], ["B", "2"]]],
    ["custom delimiter", "M<<ghadelimiter_123\nEOF\nghadelimiter_123\n", [["M", "EOF"]]],
    ["delimiter must match exactly", "M<<EOF\n EOF\nEOF \nEOF\n", [["M", " EOF\nEOF "]]],
    ["= before << is a plain value", "A=x<<y\n", [["A", "x<<y"]]],
    ["<< before = is a heredoc", "A<<E=F\nv\nE=F\n", [["A", "v"]]],
    ["mixed forms", "A=1\nM<<EOF\nl1\nEOF\nB=2\n", [["A", "1"], ["M", "l1"], ["B", "2"]]],
  ])("%s", (_name, content, expected) => {
    expect(parseEnvFile(content, "GITHUB_ENV")).toEqual({ ok: true, values: expected });
  });

  it.each<[string, string, string]>([
    ["unclosed heredoc", "A=1\nM<<EOF\nline\n", "Matching delimiter not found 'EOF'"],
    ["unclosed heredoc at end", "M<<END", "Matching delimiter not found 'END'"],
    ["empty name", "=value\n", "Name must not be empty"],
    ["empty heredoc name", "<<EOF\nx\nEOF\n", "Name must not be empty"],
    ["empty delimiter", "M<<\nx\n", "Delimiter must not be empty"],
    ["neither = nor <<", "A=1\nJUSTANAME\n", "Invalid format 'JUSTANAME'"],
  ])("error: %s", (_name, content, message) => {
    const result = parseEnvFile(content, "/tmp/env_file");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(message);
    expect(result.error).toContain("/tmp/env_file");
  });

  it("reports the line of the opening heredoc", () => {
    const result = parseEnvFile("A=1\n\nM<<EOF\nx\n", "f");
    expect(result).toEqual({ ok: false, error: "f (Line: 3): Matching delimiter not found 'EOF'" });
  });
});

describe("parsePathFile", () => {
  it.each<[string, string, string[]]>([
    ["empty", "", []],
    ["one dir", "/opt/bin\n", ["/opt/bin"]],
    ["several, in order", "/a\n/b\n/c", ["/a", "/b", "/c"]],
    ["skips empty lines", "\n/a\n\n/b\n\n", ["/a", "/b"]],
    ["CRLF", "/a\r\n/b\r\n", ["/a", "/b"]],
    ["keeps inner spaces", "/path with space/bin\n", ["/path with space/bin"]],
  ])("%s", (_name, content, expected) => {
    expect(parsePathFile(content)).toEqual(expected);
  });
});
