import { execFile } from "node:child_process";

export type CommandResult = { stdout: string; stderr: string };

export type CommandOptions = {
  cwd: string;
  env: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
};

/** Thrown when a command exits non-zero or cannot be started. */
export class CommandError extends Error {
  readonly code = "command-failed";
  readonly stderr: string;
  readonly exitCode: number | undefined;

  constructor(command: string, stderr: string, exitCode: number | undefined, options?: { cause?: unknown }) {
    const firstLine = stderr
      .split("\n")
      .map((line) => line.trim())
      .find((line) => line !== "");
    super(`${command} failed: ${firstLine ?? `exit code ${exitCode ?? "unknown"}`}`, options);
    this.name = "CommandError";
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

/**
 * Runs `file` with an argument array, never through a shell. Callers keep
 * values taken from inputs out of option positions themselves.
 */
export function runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const label = [file, ...args.slice(0, 1)].join(" ");
  return new Promise<CommandResult>((resolvePromise, reject) => {
    execFile(
      file,
      [...args],
      {
        cwd: options.cwd,
        env: { ...options.env },
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        windowsHide: true,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolvePromise({ stdout, stderr });
          return;
        }
        const exitCode = typeof error.code === "number" ? error.code : undefined;
        reject(new CommandError(label, stderr === "" ? error.message : stderr, exitCode, { cause: error }));
      },
    );
  });
}
