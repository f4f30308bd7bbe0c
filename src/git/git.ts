import { spawn } from "node:child_process";

/** Result of one `git` invocation. `code` is the process exit code (-1 if it died from a signal). */
export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface GitRunOptions {
  /** Written to git's standard input, which is then closed. */
  input?: string;
  /** Resolve with the result instead of throwing when git exits non-zero. */
  allowFailure?: boolean;
}

export interface Git {
  /**
   * Runs `git <args...>` in `cwd` without a shell. Callers must keep untrusted
   * values out of option positions (use `--end-of-options` / `--`).
   */
  run(cwd: string, args: readonly string[], opts?: GitRunOptions): Promise<GitResult>;
}

export interface CreateGitOptions {
  /** Extra environment variables layered over `process.env`. */
  env?: Record<string, string>;
}

/** Thrown when git exits non-zero (without `allowFailure`) or cannot be started. */
export class GitError extends Error {
  readonly code = "git";
  readonly args: readonly string[];
  readonly stderr: string;
  /** Exit code of git; -1 when it could not be started or was killed by a signal. */
  readonly exitCode: number;

  constructor(args: readonly string[], stderr: string, exitCode: number, options?: { cause?: unknown }) {
    const firstLine = stderr.split("\n").find((line) => line.trim() !== "")?.trim() ?? `exit code ${exitCode}`;
    super(`git ${args.slice(0, 2).join(" ")} failed: ${firstLine}`, options);
    this.name = "GitError";
    this.args = [...args];
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

/** Creates a git runner. Git never prompts for credentials (`GIT_TERMINAL_PROMPT=0`). */
export function createGit(opts: CreateGitOptions = {}): Git {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LC_ALL: "C",
    ...opts.env,
    GIT_TERMINAL_PROMPT: "0",
  };

  return {
    run(cwd, args, runOpts = {}) {
      const argv = [...args];
      return new Promise<GitResult>((resolve, reject) => {
        const child = spawn("git", argv, {
          cwd,
          env,
          shell: false,
          stdio: ["pipe", "pipe", "pipe"],
          windowsHide: true,
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let settled = false;

        child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
        child.on("error", (error: Error) => {
          if (settled) return;
          settled = true;
          reject(new GitError(argv, error.message, -1, { cause: error }));
        });
        child.on("close", (exitCode: number | null) => {
          if (settled) return;
          settled = true;
          const result: GitResult = {
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(err).toString("utf8"),
            code: exitCode ?? -1,
          };
          if (result.code !== 0 && runOpts.allowFailure !== true) {
            reject(new GitError(argv, result.stderr, result.code));
            return;
          }
          resolve(result);
        });

        // git may exit before reading all input; that surfaces via the exit code.
        child.stdin.on("error", () => undefined);
        child.stdin.end(runOpts.input ?? "");
      });
    },
  };
}
