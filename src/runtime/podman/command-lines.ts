import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * The lines a command writes (stdout and stderr, each in order), as they come; ends when the command has
 * exited and its output is read, or when `signal` aborts (the command is killed then).
 */
export async function* commandLines(program: string, args: readonly string[], env: Readonly<Record<string, string>>, signal?: AbortSignal): AsyncGenerator<string> {
  if (signal?.aborted) return;
  const child = spawn(program, [...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const queue: string[] = [];
  let open = 2;
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  for (const stream of [child.stdout, child.stderr]) {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on("line", (line) => {
      queue.push(line);
      notify();
    });
    lines.on("close", () => {
      open--;
      notify();
    });
  }
  child.on("error", (error) => {
    failed = error;
    open = 0;
    notify();
  });
  const abort = (): void => {
    child.kill("SIGKILL");
    notify();
  };
  signal?.addEventListener("abort", abort, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) return;
      const line = queue.shift();
      if (line !== undefined) {
        yield line;
        continue;
      }
      if (failed !== undefined) throw failed;
      if (open === 0) return;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  } finally {
    signal?.removeEventListener("abort", abort);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}
