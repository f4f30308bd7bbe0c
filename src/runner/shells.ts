import { existsSync } from "node:fs";
import { basename, delimiter, join } from "node:path";

export type ShellCommand = { program: string; args: string[]; extension: string };

/** Looks a program up on PATH. */
export function which(program: string, path: string | undefined): string | undefined {
  if (program.includes("/")) return existsSync(program) ? program : undefined;
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export class ShellError extends Error {
  readonly code = "shell";
}

/** The script file's extension for a custom template, by its program (pwsh needs .ps1 to dot-source it). */
const CUSTOM_EXTENSIONS: Record<string, string> = { python: ".py", python3: ".py", pwsh: ".ps1", node: ".cjs" };

/**
 * The command line for a `run:` step's shell, as GitHub documents it. `shell` undefined means
 * no shell was given anywhere: `bash -e {0}` (or `sh -e {0}` without bash).
 */
export function resolveShell(shell: string | undefined, path: string | undefined): ShellCommand {
  const s = shell?.trim();
  if (!s) {
    return which("bash", path) ? { program: "bash", args: ["-e", "{0}"], extension: ".sh" } : { program: "sh", args: ["-e", "{0}"], extension: ".sh" };
  }
  switch (s) {
    case "bash": return { program: "bash", args: ["--noprofile", "--norc", "-eo", "pipefail", "{0}"], extension: ".sh" };
    case "sh": return { program: "sh", args: ["-e", "{0}"], extension: ".sh" };
    case "python": return { program: which("python3", path) && !which("python", path) ? "python3" : "python", args: ["{0}"], extension: ".py" };
    case "node": return { program: "node", args: ["{0}"], extension: ".cjs" };
    case "pwsh": return { program: "pwsh", args: ["-command", ". '{0}'"], extension: ".ps1" };
    case "powershell":
    case "cmd":
      throw new ShellError(`shell "${s}" is only available on Windows runners`);
    default: {
      if (!s.includes("{0}")) throw new ShellError(`custom shell "${s}" must contain {0}, the path of the script`);
      const [program = "", ...args] = splitWords(s);
      return { program, args, extension: CUSTOM_EXTENSIONS[basename(program)] ?? ".sh" };
    }
  }
}

/**
 * Splits a custom shell template into arguments as the runner's process launcher does:
 * whitespace separates, double quotes group (`pwsh -command ". '{0}'"`), `\"` is a literal quote.
 */
function splitWords(template: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] ?? "";
    if (c === "\\" && template[i + 1] === '"') {
      word += '"';
      inWord = true;
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && /\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

export function shellArgs(cmd: ShellCommand, scriptPath: string): string[] {
  return cmd.args.map((a) => a.replaceAll("{0}", scriptPath));
}
