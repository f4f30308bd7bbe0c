import { spawn } from "node:child_process";
import { constants } from "node:os";
import { z } from "zod";
import { createLimitedBuffer } from "./read-limited.js";
import { resolveInside } from "./resolve-inside.js";
import { StepFailedError } from "./step-failed-error.js";
import type { PromotionStep } from "./types.js";

export const runConfigSchema = z.strictObject({
  /** Program and arguments, run without a shell: `$VAR`, `*` and quotes reach the program as written. */
  command: z.array(z.string()).min(1).refine((argv) => argv[0] !== "", { error: "the program name must not be empty" }),
  /** Working directory under the work directory; the work directory when omitted. */
  cwd: z.string().min(1).optional(),
  /** Added to the small base environment (PATH, HOME, LANG, TZ). */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" }), z.string()).default({}),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

/** Only these pass through from the server's environment, so its secrets never reach a step's program. */
const INHERITED = ["PATH", "HOME", "LANG", "TZ"] as const;

/** `run`: runs a program (argv, no shell). Exit 0 succeeds. Outputs `{ exitCode, stdout }`, stdout cut at 64 KiB. */
export function createRunStep(): PromotionStep<RunConfig> {
  return {
    name: "run",
    configSchema: runConfigSchema,
    async run(config, ctx) {
      const cwd = resolveInside(ctx.workDir, config.cwd ?? ".", "cwd");
      const env: Record<string, string> = {};
      for (const name of INHERITED) {
        const value = process.env[name];
        if (value !== undefined) env[name] = value;
      }
      Object.assign(env, config.env);
      const [program = "", ...args] = config.command;
      ctx.log(`running ${program}`);
      const stdout = createLimitedBuffer();
      const stderr = createLimitedBuffer(4096);
      const exitCode = await new Promise<number>((resolve, reject) => {
        const child = spawn(program, args, { cwd, env, shell: false, stdio: ["ignore", "pipe", "pipe"], signal: ctx.signal, killSignal: "SIGKILL" });
        child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
        child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
        child.on("error", (error: NodeJS.ErrnoException) => {
          if (ctx.signal.aborted) reject(ctx.signal.reason as Error);
          else if (error.code === "ENOENT") reject(new StepFailedError(`cannot run ${JSON.stringify(program)}: not found`));
          else reject(error);
        });
        child.on("close", (code, signal) => {
          if (ctx.signal.aborted) reject(ctx.signal.reason as Error);
          else resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
        });
      });
      const outputs = { exitCode, stdout: stdout.text() };
      if (exitCode === 0) return { status: "Succeeded", outputs };
      const tail = stderr.text().trim().split("\n").slice(-5).join("\n");
      return { status: "Failed", message: `${program} exited with code ${exitCode}${tail === "" ? "" : `: ${tail}`}`, outputs };
    },
  };
}
