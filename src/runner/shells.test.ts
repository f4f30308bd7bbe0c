import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, it, expect } from "vitest";
import { ShellError, resolveShell, shellArgs, which } from "./shells.js";
import type { ShellCommand } from "./shells.js";

// Command lines from GitHub's "Workflow syntax" reference, jobs.<job_id>.steps[*].shell.

const root = mkdtempSync(join(tmpdir(), "ferry-shells-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A directory holding empty files with the given names, to stand in for programs on PATH. */
function binDir(name: string, programs: readonly string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const p of programs) writeFileSync(join(dir, p), "");
  return dir;
}

const withBash = binDir("with-bash", ["bash", "sh"]);
const withoutBash = binDir("without-bash", ["sh"]);
const onlyPython3 = binDir("only-python3", ["python3"]);
const bothPythons = binDir("both-pythons", ["python", "python3"]);

describe("resolveShell: documented command lines", () => {
  it.each<[string | undefined, string, ShellCommand]>([
    // Unspecified on a non-Windows runner: bash -e {0}, falling back to sh.
    [undefined, withBash, { program: "bash", args: ["-e", "{0}"], extension: ".sh" }],
    ["", withBash, { program: "bash", args: ["-e", "{0}"], extension: ".sh" }],
    ["  ", withBash, { program: "bash", args: ["-e", "{0}"], extension: ".sh" }],
    [undefined, withoutBash, { program: "sh", args: ["-e", "{0}"], extension: ".sh" }],
    // shell: bash
    ["bash", withBash, { program: "bash", args: ["--noprofile", "--norc", "-eo", "pipefail", "{0}"], extension: ".sh" }],
    [" bash ", withBash, { program: "bash", args: ["--noprofile", "--norc", "-eo", "pipefail", "{0}"], extension: ".sh" }],
    // shell: sh
    ["sh", withBash, { program: "sh", args: ["-e", "{0}"], extension: ".sh" }],
    // shell: python
    ["python", bothPythons, { program: "python", args: ["{0}"], extension: ".py" }],
    ["python", onlyPython3, { program: "python3", args: ["{0}"], extension: ".py" }],
    // shell: pwsh
    ["pwsh", withBash, { program: "pwsh", args: ["-command", ". '{0}'"], extension: ".ps1" }],
  ])("shell %j (PATH %s)", (shell, path, expected) => {
    expect(resolveShell(shell, path)).toEqual(expected);
  });
});

describe("resolveShell: custom templates", () => {
  it.each<[string, ShellCommand]>([
    ["perl {0}", { program: "perl", args: ["{0}"], extension: ".sh" }],
    ["bash {0}", { program: "bash", args: ["{0}"], extension: ".sh" }],
    ["bash -x {0}", { program: "bash", args: ["-x", "{0}"], extension: ".sh" }],
    ["  bash   -e   {0}  ", { program: "bash", args: ["-e", "{0}"], extension: ".sh" }],
    ["python3 -u {0}", { program: "python3", args: ["-u", "{0}"], extension: ".py" }],
    ["/usr/bin/python {0}", { program: "/usr/bin/python", args: ["{0}"], extension: ".py" }],
    ["ruby {0} --flag", { program: "ruby", args: ["{0}", "--flag"], extension: ".sh" }],
    ["sh -c 'exec sh {0}'", { program: "sh", args: ["-c", "'exec", "sh", "{0}'"], extension: ".sh" }],
    // Double quotes group words, as in the documented pwsh command line.
    ['pwsh -command ". \'{0}\'"', { program: "pwsh", args: ["-command", ". '{0}'"], extension: ".ps1" }],
    ['bash -c "source {0}"', { program: "bash", args: ["-c", "source {0}"], extension: ".sh" }],
    ['cmd-like "" {0}', { program: "cmd-like", args: ["", "{0}"], extension: ".sh" }],
    ['echo \\"{0}\\"', { program: "echo", args: ['"{0}"'], extension: ".sh" }],
  ])("%j", (template, expected) => {
    expect(resolveShell(template, withBash)).toEqual(expected);
  });
});

describe("resolveShell: errors", () => {
  it.each<[string, RegExp]>([
    ["cmd", /only available on Windows/],
    ["powershell", /only available on Windows/],
    ["perl", /must contain \{0\}/],
    ["zsh", /must contain \{0\}/],
    ["bash -e", /must contain \{0\}/],
    ["python -u {1}", /must contain \{0\}/],
  ])("%j", (shell, message) => {
    expect(() => resolveShell(shell, withBash)).toThrow(ShellError);
    expect(() => resolveShell(shell, withBash)).toThrow(message);
  });
});

describe("shellArgs", () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ["-e", "/tmp/s.sh"]],
    ["bash", ["--noprofile", "--norc", "-eo", "pipefail", "/tmp/s.sh"]],
    ["pwsh", ["-command", ". '/tmp/s.sh'"]],
    ["perl {0} {0}", ["/tmp/s.sh", "/tmp/s.sh"]],
    ["python {0}", ["/tmp/s.sh"]],
  ])("shell %j", (shell, expected) => {
    expect(shellArgs(resolveShell(shell, withBash), "/tmp/s.sh")).toEqual(expected);
  });
});

describe("which", () => {
  it.each<[string, string | undefined, string | undefined]>([
    ["bash", withBash, join(withBash, "bash")],
    ["bash", withoutBash, undefined],
    ["bash", `${withoutBash}${delimiter}${withBash}`, join(withBash, "bash")],
    ["sh", `${withoutBash}${delimiter}${withBash}`, join(withoutBash, "sh")],
    ["bash", `${delimiter}${withBash}${delimiter}`, join(withBash, "bash")],
    ["bash", "", undefined],
    ["bash", undefined, undefined],
    [join(withBash, "bash"), undefined, join(withBash, "bash")],
    [join(withoutBash, "bash"), withBash, undefined],
  ])("which(%j) on %j", (program, path, expected) => {
    expect(which(program, path)).toBe(expected);
  });
});
