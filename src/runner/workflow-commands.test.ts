import { describe, it, expect } from "vitest";
import { createCommandProcessor, type CommandLineResult } from "./workflow-commands.js";

const secure = () => createCommandProcessor({ allowUnsecureCommands: () => false });
const unsecure = () => createCommandProcessor({ allowUnsecureCommands: () => true });

describe("createCommandProcessor", () => {
  it.each<[string, CommandLineResult]>([
    // plain output
    ["hello world", { display: "hello world" }],
    ["", { display: "" }],
    ["  ::error::indented is not a command", { display: "  ::error::indented is not a command" }],
    ["\t::set-output name=a::1", { display: "\t::set-output name=a::1" }],
    ["::foo::unknown command", { display: "::foo::unknown command" }],
    ["::::", { display: "::::" }],
    ["::error no closing", { display: "::error no closing" }],
    ["text ::error::in the middle", { display: "text ::error::in the middle" }],
    // outputs, state, masks
    ["::set-output name=result::42", { command: { kind: "set-output", name: "result", value: "42" }, display: null }],
    ["::set-output name=a::x::y", { command: { kind: "set-output", name: "a", value: "x::y" }, display: null }],
    ["::set-output name=a::", { command: { kind: "set-output", name: "a", value: "" }, display: null }],
    ["::save-state name=pid::123", { command: { kind: "save-state", name: "pid", value: "123" }, display: null }],
    ["::add-mask::s3cr3t", { command: { kind: "add-mask", value: "s3cr3t" }, display: null }],
    // unescaping
    ["::set-output name=m::a%0Ab%0D%0Ac", { command: { kind: "set-output", name: "m", value: "a\nb\r\nc" }, display: null }],
    ["::set-output name=m::100%25", { command: { kind: "set-output", name: "m", value: "100%" }, display: null }],
    ["::set-output name=m::%2525", { command: { kind: "set-output", name: "m", value: "%25" }, display: null }],
    ["::set-output name=m::a%3Ab%2Cc", { command: { kind: "set-output", name: "m", value: "a%3Ab%2Cc" }, display: null }],
    ["::set-output name=a%3Ab%2Cc%25::v", { command: { kind: "set-output", name: "a:b,c%", value: "v" }, display: null }],
    // annotations
    ["::error::boom", { command: { kind: "annotation", level: "error", message: "boom" }, display: "boom" }],
    ["::warning::careful", { command: { kind: "annotation", level: "warning", message: "careful" }, display: "careful" }],
    ["::notice::fyi", { command: { kind: "annotation", level: "notice", message: "fyi" }, display: "fyi" }],
    ["::debug::details", { command: { kind: "annotation", level: "debug", message: "details" }, display: "details" }],
    [
      "::error file=app.js,line=10,endLine=12,col=5,endColumn=7,title=A%3A B%2C C::Missing semicolon",
      {
        command: {
          kind: "annotation",
          level: "error",
          message: "Missing semicolon",
          file: "app.js",
          line: 10,
          endLine: 12,
          col: 5,
          endColumn: 7,
          title: "A: B, C",
        },
        display: "Missing semicolon",
      },
    ],
    [
      "::warning file=a b.ts, line=3,col=x,bogus::multi%0Aline",
      {
        command: { kind: "annotation", level: "warning", message: "multi\nline", file: "a b.ts", line: 3 },
        display: "multi\nline",
      },
    ],
    // groups
    ["::group::Install deps", { command: { kind: "group", title: "Install deps" }, display: "Install deps" }],
    ["::endgroup::", { command: { kind: "endgroup" }, display: null }],
    // echo
    ["::echo::on", { command: { kind: "echo", on: true }, display: null }],
    ["::echo::OFF", { command: { kind: "echo", on: false }, display: null }],
    // problem matchers are swallowed
    ["::add-matcher::/tmp/matcher.json", { display: null }],
    ["::remove-matcher owner=eslint::", { display: null }],
    // legacy form
    ["##[set-output name=a]1", { command: { kind: "set-output", name: "a", value: "1" }, display: null }],
    ["##[error file=x.c;line=2]bad%5D%3B", {
      command: { kind: "annotation", level: "error", message: "bad];", file: "x.c", line: 2 },
      display: "bad];",
    }],
    ["##[unknown]text", { display: "##[unknown]text" }],
    // CRLF output
    ["::set-output name=a::1\r", { command: { kind: "set-output", name: "a", value: "1" }, display: null }],
  ])("%j", (line, expected) => {
    expect(secure().processLine(line)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["::set-output::no name", "'set-output' command requires a 'name'"],
    ["::save-state::no name", "'save-state' command requires a 'name'"],
    ["::add-mask::", "empty string"],
    ["::add-mask::   ", "empty string"],
    ["::echo::maybe", "Invalid 'echo' command value"],
    ["::stop-commands::", "requires a token"],
  ])("warns for %j", (line, warning) => {
    const result = secure().processLine(line);
    expect(result.command).toBeUndefined();
    expect(result.display).toBeNull();
    expect(result.warning).toContain(warning);
  });

  describe("unsecure commands", () => {
    it.each<[string, string]>([
      ["::set-env name=FOO::bar", "'set-env' command is disabled"],
      ["::add-path::/opt/tool/bin", "'add-path' command is disabled"],
    ])("%j is refused by default", (line, warning) => {
      const result = secure().processLine(line);
      expect(result.command).toBeUndefined();
      expect(result.display).toBeNull();
      expect(result.warning).toContain(warning);
      expect(result.warning).toContain("ACTIONS_ALLOW_UNSECURE_COMMANDS=true");
    });

    it("honours set-env and add-path when allowed", () => {
      const p = unsecure();
      expect(p.processLine("::set-env name=FOO::a%0Ab")).toEqual({
        command: { kind: "set-env", name: "FOO", value: "a\nb" },
        display: null,
      });
      expect(p.processLine("::add-path::/opt/tool/bin")).toEqual({
        command: { kind: "add-path", path: "/opt/tool/bin" },
        display: null,
      });
    });

    it("asks again on every command", () => {
      let allowed = false;
      const p = createCommandProcessor({ allowUnsecureCommands: () => allowed });
      expect(p.processLine("::set-env name=A::1").command).toBeUndefined();
      allowed = true;
      expect(p.processLine("::set-env name=A::1").command).toEqual({ kind: "set-env", name: "A", value: "1" });
    });
  });

  describe("stop-commands", () => {
    it("pauses command processing until the token line", () => {
      const p = secure();
      expect(p.processLine("::warning::before")).toMatchObject({ command: { kind: "annotation" } });
      expect(p.processLine("::stop-commands::tok123")).toEqual({ display: null });
      expect(p.processLine("::warning::ignored")).toEqual({ display: "::warning::ignored" });
      expect(p.processLine("::set-output name=a::1")).toEqual({ display: "::set-output name=a::1" });
      expect(p.processLine("::add-mask::x")).toEqual({ display: "::add-mask::x" });
      expect(p.processLine("::stop-commands::other")).toEqual({ display: "::stop-commands::other" });
      expect(p.processLine("::other::")).toEqual({ display: "::other::" });
      expect(p.processLine(" ::tok123::")).toEqual({ display: " ::tok123::" });
      expect(p.processLine("::tok123::")).toEqual({ display: null });
      expect(p.processLine("::warning::after")).toEqual({
        command: { kind: "annotation", level: "warning", message: "after" },
        display: "after",
      });
    });

    it("accepts the resume line with CRLF", () => {
      const p = secure();
      p.processLine("::stop-commands::t");
      expect(p.processLine("::t::\r")).toEqual({ display: null });
      expect(p.processLine("::endgroup::").command).toEqual({ kind: "endgroup" });
    });

    it("refuses a command name as token", () => {
      const p = secure();
      const result = p.processLine("::stop-commands::set-output");
      expect(result.warning).toContain("command name");
      expect(p.processLine("::set-output name=a::1").command).toEqual({ kind: "set-output", name: "a", value: "1" });
    });
  });
});
