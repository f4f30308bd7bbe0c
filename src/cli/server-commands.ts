import { resolve } from "node:path";
import { cpus, homedir, tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";

export const DEFAULT_LABELS = ["self-hosted", "linux", "x64", "ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "ferry"];

type Write = (s: string) => void;

function runnerOptionsFrom(o: { labels?: string; capacity?: string; workDir?: string }): { labels: string[]; capacity: number; workDir: string } {
  const labels = o.labels ? o.labels.split(",").map((l) => l.trim()).filter(Boolean) : DEFAULT_LABELS;
  const capacity = o.capacity ? Number(o.capacity) : Math.max(1, cpus().length);
  return { labels, capacity, workDir: resolve(o.workDir ?? join(tmpdir(), "ferry-runner")) };
}

/**
 * Resolves on SIGINT/SIGTERM. Shutdown that follows gets 15 seconds; then the process exits anyway,
 * since leases and restart recovery make an abrupt stop safe.
 */
function waitForSignal(): Promise<void> {
  return new Promise((r) => {
    const stop = (): void => {
      setTimeout(() => process.exit(0), 15_000).unref();
      r();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

const listenOptions = (c: Command): Command => c
  .option("--data-dir <dir>", "where the store, mirrors and logs live", ".ferry")
  .option("--host <host>", "address to listen on", "127.0.0.1")
  .option("--port <port>", "port to listen on", "8420");

const SENSITIVE = new Set(["FERRY_RUNNER_TOKEN", "FERRY_TOKEN", "FERRY_SECRET_KEY"]);

/** Where a runner's host environment and remote-action settings come from, for `up` and `runner`. */
function runnerEnvironment(): { hostEnv: Record<string, string>; actionsBaseUrl: string; actionsCacheDir: string } {
  return {
    // Ferry's own credentials never reach a job's environment.
    hostEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !SENSITIVE.has(e[0]))),
    actionsBaseUrl: process.env.FERRY_ACTIONS_URL ?? "https://github.com",
    actionsCacheDir: join(homedir(), ".cache", "ferry", "actions"),
  };
}

/** `ferry server`, `ferry up` and `ferry runner`. */
export function registerServerCommands(program: Command, write: Write, exit: (code: number) => void): void {
  listenOptions(program.command("server"))
    .description("start the control plane: API, Git watching, CI scheduling")
    .option("--public-url <url>", "the URL runners and webhooks reach this server at")
    .action(async (o: { dataDir: string; host: string; port: string; publicUrl?: string }) => {
      const { startControlPlane } = await import("../server/control-plane.js");
      const cp = await startControlPlane({ dataDir: resolve(o.dataDir), host: o.host, port: Number(o.port), ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}) });
      await waitForSignal();
      await cp.close();
      exit(0);
      // Nothing may keep a stopped server alive (a client's open connection, a timer).
      setImmediate(() => process.exit(0));
    });

  listenOptions(program.command("up"))
    .description("start the control plane with one runner in the same process: the way to try Ferry")
    .option("--labels <list>", "runner labels, comma-separated")
    .option("--capacity <n>", "jobs the embedded runner runs at once")
    .action(async (o: { dataDir: string; host: string; port: string; labels?: string; capacity?: string }) => {
      const { createLogger } = await import("../server/logger.js");
      const { startControlPlane } = await import("../server/control-plane.js");
      const { createRemoteRunner } = await import("../runner/remote/remote-runner.js");
      const logger = createLogger(process.env.FERRY_LOG_LEVEL ?? "warn");
      const dataDir = resolve(o.dataDir);
      const cp = await startControlPlane({ dataDir, host: o.host, port: Number(o.port), logger });
      const r = runnerOptionsFrom({ ...o, workDir: join(dataDir, "runner") });
      const runner = createRemoteRunner({
        serverUrl: cp.url, token: cp.runnerToken, labels: r.labels, capacity: r.capacity, name: "embedded", workDir: r.workDir,
        ...runnerEnvironment(), cacheDir: join(dataDir, "cache"), log: (m, f) => logger.info(f ?? {}, m),
      });
      runner.start();
      write(`Ferry is up at ${cp.url}\n  data:   ${dataDir}\n  token:  ${join(dataDir, "admin.token")} (admin)\n  runner: embedded, labels ${r.labels.join(", ")}\n`);
      write(`Try:  ferry apply -f repository.yaml   ferry runs   ferry logs RUN -f\n`);
      await waitForSignal();
      await runner.stop();
      await cp.close();
      exit(0);
      setImmediate(() => process.exit(0));
    });

  program.command("runner")
    .description("run CI jobs for a Ferry server")
    .requiredOption("--server <url>", "the server's URL")
    .option("--token <token>", "a runner token (or FERRY_RUNNER_TOKEN)")
    .option("--labels <list>", "labels this runner has, comma-separated")
    .option("--capacity <n>", "jobs run at once")
    .option("--work-dir <dir>", "where job workspaces are made")
    .option("--name <name>", "the runner's name")
    .action(async (o: { server: string; token?: string; labels?: string; capacity?: string; workDir?: string; name?: string }) => {
      const { createLogger } = await import("../server/logger.js");
      const { createRemoteRunner } = await import("../runner/remote/remote-runner.js");
      const { InputError } = await import("../workflow/errors.js");
      const token = o.token ?? process.env.FERRY_RUNNER_TOKEN;
      if (!token) throw new InputError([{ file: "--token", message: "a runner token is needed (--token or FERRY_RUNNER_TOKEN; ferry up writes one to .ferry/runner.token)" }]);
      const logger = createLogger(process.env.FERRY_LOG_LEVEL ?? "info");
      const r = runnerOptionsFrom(o);
      const runner = createRemoteRunner({
        serverUrl: o.server, token, labels: r.labels, capacity: r.capacity, ...(o.name ? { name: o.name } : {}), workDir: r.workDir,
        ...runnerEnvironment(), cacheDir: join(r.workDir, "cache"), log: (m, f) => logger.info(f ?? {}, m),
      });
      runner.start();
      logger.info({ server: o.server, labels: r.labels, capacity: r.capacity }, "runner started");
      await waitForSignal();
      await runner.stop();
      exit(0);
      setImmediate(() => process.exit(0));
    });
}
