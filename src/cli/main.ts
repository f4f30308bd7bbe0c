import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { InputError } from "../workflow/index.js";
import type { RunOptions } from "./run/run-command.js";
import { registerServerCommands } from "./server-commands.js";
import { registerClientCommands } from "./client-commands.js";
import { registerArtifactCommands } from "./artifact-commands.js";
import { registerAppCommands } from "./app-commands.js";
import { registerPromotionCommands } from "./promotion-commands.js";

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Builds the `ferry` command; `exit` receives the process exit code. */
export function createProgram(write: (s: string) => void, exit: (code: number) => void): Command {
  const program = new Command("ferry")
    .description("CI, continuous promotion and GitOps delivery in one program")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write });

  program.command("run")
    .description("run the workflows of the repository in the current directory, on this host")
    .option("-W, --workflows <path>", "a workflow file or a directory of workflows")
    .option("-e, --event <name>", "the event that triggers the workflows", "push")
    .option("--event-path <file>", "a JSON file with the event payload")
    .option("-j, --job <id>", "run only this job (and what it needs); repeatable", collect, [])
    .option("-l, --list", "list workflows and jobs, run nothing", false)
    .option("-n, --dry-run", "validate and show what would run", false)
    .option("--input <k=v>", "a workflow_dispatch input; repeatable", collect, [])
    .option("-s, --secret <K=V>", "a secret; repeatable", collect, [])
    .option("--secret-file <file>", "a dotenv file of secrets")
    .option("--env <K=V>", "an environment variable for every job; repeatable", collect, [])
    .option("--env-file <file>", "a dotenv file of environment variables")
    .option("--var <K=V>", "a configuration variable (vars context); repeatable", collect, [])
    .option("-a, --actor <name>", "the user that triggered the event", "ferry")
    .option("--repository <owner/name>", "the repository name (default: from the origin remote)")
    .option("--matrix <key:value>", "run only matrix combinations with this value; repeatable", collect, [])
    .option("--json", "print machine-readable events (one JSON object per line)", false)
    .addOption(new Option("-p, --parallel <n>", "how many jobs run at once (default: the number of cores)"))
    .option("--actions-url <url>", "where remote actions are fetched from (default https://github.com)")
    .option("--keep", "keep the job workspaces after the run", false)
    .option("-C, --directory <dir>", "run in this directory instead of the current one")
    .action(async (opts: RunOptions) => {
      const cwd = opts.directory ? resolve(opts.directory) : process.cwd();
      if (!existsSync(cwd)) throw new InputError([{ file: opts.directory ?? cwd, message: "no such directory" }]);
      const { runCommand } = await import("./run/run-command.js");
      exit(await runCommand(cwd, opts, write));
    });
  registerServerCommands(program, write, exit);
  registerClientCommands(program, write);
  registerArtifactCommands(program, write, exit);
  registerAppCommands(program, write);
  registerPromotionCommands(program, write);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const write = (s: string): void => { process.stdout.write(s); };
  const program = createProgram(write, (c) => { code = c; });
  try {
    await program.parseAsync(argv);
  } catch (error: unknown) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof InputError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && error.name === "ApiError") {
      const e = error as Error & { status: number; details?: unknown };
      process.stderr.write(`error: ${e.message}\n`);
      if (Array.isArray(e.details)) {
        for (const d of e.details as Array<{ file?: string; line?: number; column?: number; path?: string; message?: string }>) {
          process.stderr.write(`  ${d.file ?? ""}${d.line ? `:${d.line}:${d.column ?? 1}` : ""}: ${d.path ? `${d.path}: ` : ""}${d.message ?? JSON.stringify(d)}\n`);
        }
      }
      return e.status === 400 || e.status === 404 || e.status === 409 ? 2 : 1;
    }
    process.stderr.write(`ferry: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    return 3;
  }
  return code;
}

const isEntry = import.meta.url === `file://${process.argv[1] ?? ""}` || process.argv[1]?.endsWith("/bin/ferry.js") || process.argv[1]?.endsWith("/ferry");
if (isEntry) {
  main(process.argv).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`ferry: ${String(error)}\n`);
    process.exitCode = 3;
  });
}
