import { describe, expect, it } from "vitest";
import { parseAnsi, stripAnsi, xterm256 } from "./ansi.js";

const E = "\x1b[";

describe("parseAnsi", () => {
  it("leaves plain text as one unstyled span", () => {
    expect(parseAnsi("hello world")).toEqual([{ text: "hello world", classes: [] }]);
  });

  it.each([
    ["31", ["ansi-fg-1"]],
    ["1;32", ["ansi-bold", "ansi-fg-2"]],
    ["94", ["ansi-fg-12"]],
    ["3;4", ["ansi-italic", "ansi-underline"]],
    ["43", ["ansi-bg-3"]],
    ["105", ["ansi-bg-13"]],
    ["38;5;9", ["ansi-fg-9"]],
  ])("SGR %s gives %j", (sgr, classes) => {
    expect(parseAnsi(`${E}${sgr}mx`)).toEqual([{ text: "x", classes }]);
  });

  it("resets with 0 and with an empty parameter list", () => {
    expect(parseAnsi(`${E}31mred${E}0m plain ${E}1mbold${E}m end`)).toEqual([
      { text: "red", classes: ["ansi-fg-1"] },
      { text: " plain ", classes: [] },
      { text: "bold", classes: ["ansi-bold"] },
      { text: " end", classes: [] },
    ]);
  });

  it("turns off single attributes and default colours", () => {
    expect(parseAnsi(`${E}1;31;44ma${E}22mb${E}39mc${E}49md`).map((s) => s.classes)).toEqual([
      ["ansi-bold", "ansi-fg-1", "ansi-bg-4"], ["ansi-fg-1", "ansi-bg-4"], ["ansi-bg-4"], [],
    ]);
  });

  it("renders 256 and true colours inline", () => {
    expect(parseAnsi(`${E}38;5;196mred${E}48;2;0;128;255mblue-bg`)).toEqual([
      { text: "red", classes: [], color: "#ff0000" },
      { text: "blue-bg", classes: [], color: "#ff0000", background: "#0080ff" },
    ]);
  });

  it("swaps colours for inverse", () => {
    expect(parseAnsi(`${E}7;32mx`)).toEqual([{ text: "x", classes: ["ansi-fg-0", "ansi-bg-2"] }]);
  });

  it("drops cursor, erase and title sequences but keeps their text around", () => {
    expect(parseAnsi(`a${E}2K${E}1Gb\x1b]0;title\x07c${E}?25ld`)).toEqual([{ text: "abcd", classes: [] }]);
  });

  it("carries the style over to the next line when asked", () => {
    const carry = {};
    parseAnsi(`${E}33mstarts yellow`, carry);
    expect(parseAnsi("still yellow", carry)).toEqual([{ text: "still yellow", classes: ["ansi-fg-3"] }]);
  });
});

describe("stripAnsi", () => {
  it("gives the text a user would copy", () => {
    expect(stripAnsi(`${E}1;31merror${E}0m: ${E}4mfile${E}24m`)).toBe("error: file");
  });
});

describe("xterm256", () => {
  it.each([[16, "#000000"], [21, "#0000ff"], [231, "#ffffff"], [232, "#080808"], [255, "#eeeeee"]])("%i is %s", (n, hex) => {
    expect(xterm256(n)).toBe(hex);
  });
});
