import { relative, resolve } from "node:path";
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

const SENSITIVE = new Set(["FERRY_RUNNER_TOKEN", "FERRY_TOKEN", "FERRY_SECRET_KEY", "FERRY_AGENT_TOKEN"]);

/** Where a runner's host environment and remote-action settings come from, for `up` and `runner`. */
function runnerEnvironment(): { hostEnv: Record<string, string>; actionsBaseUrl: string; actionsCacheDir: string; ferryCommand: string[] | undefined } {
  const script = process.argv[1];
  return {
    // Steps get a `ferry` command: this same program, started the same way.
    ferryCommand: script === undefined ? undefined : [process.execPath, resolve(script)],
    // Ferry's own credentials never reach a job's environment.
    hostEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !SENSITIVE.has(e[0]))),
    actionsBaseUrl: process.env.FERRY_ACTIONS_URL ?? "https://github.com",
    actionsCacheDir: join(homedir(), ".cache", "ferry", "actions"),
  };
}

/** How to run this same `ferry`, for commands Ferry prints: `node bin/ferry.js` from a checkout. */
function ferryInvocation(): string {
  const script = process.argv[1];
  if (script === undefined || !/ferry\.js$/.test(script)) return "ferry";
  const rel = relative(process.cwd(), script);
  return `node ${rel.startsWith("..") ? script : rel}`;
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
    .option("--demo", "seed the quickstart (examples/quickstart): an app repository, a config repository, three stages")
    .action(async (o: { dataDir: string; host: string; port: string; labels?: string; capacity?: string; demo?: boolean }) => {
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
      const { createAgent } = await import("../delivery/agent/index.js");
      const serverHost = new URL(cp.url).host;
      const agent = createAgent({
        name: "local", stateDir: join(dataDir, "agent"), source: { kind: "server", url: cp.url, token: cp.agentToken },
        registryToken: (host) => (host === serverHost ? cp.agentToken : undefined), log: (m, f) => logger.info(f ?? {}, m),
        ...(process.env.CONTAINERS_CONF ? { containersConf: process.env.CONTAINERS_CONF } : {}),
        ...(process.env.FERRY_PROGRESS_DEADLINE_MS ? { progressDeadlineMs: Number(process.env.FERRY_PROGRESS_DEADLINE_MS) } : {}),
      });
      await agent.start();
      write(`Ferry is up at ${cp.url}\n  data:   ${dataDir}\n  token:  ${join(dataDir, "admin.token")} (admin)\n  runner: embedded, labels ${r.labels.join(", ")}\n  agent:  embedded, name local\n`);
      if (o.demo) {
        const { findQuickstart, seedQuickstart } = await import("./quickstart/index.js");
        const { formatQuickstart } = await import("./quickstart/format-quickstart.js");
        const seeded = await seedQuickstart({ dataDir, examples: findQuickstart(), serverUrl: cp.url, token: cp.adminToken });
        write(formatQuickstart({ ...seeded, serverUrl: cp.url, dataDir, ferry: ferryInvocation() }));
      } else {
        write(`Try:  ferry apply -f repository.yaml   ferry runs   ferry logs RUN -f   (or ferry up --demo for the quickstart)\n`);
      }
      await waitForSignal();
      await agent.stop();
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

  program.command("agent")
    .description("deliver Applications to this environment: GitOps, pull-based")
    .option("--server <url>", "the Ferry server to get Applications from")
    .option("--token <token>", "an agent token (or FERRY_AGENT_TOKEN; ferry up writes one to .ferry/agent.token)")
    .option("--file <path>", "Applications from this YAML file or directory instead of a server")
    .option("--name <name>", "the agent's name, as Applications' destination.agent says", "local")
    .option("--data-dir <dir>", "where the agent keeps mirrors, releases, replicas and their logs", ".ferry/agent")
    .option("--insecure-registry <host>", "a registry host to reach over plain HTTP (loopback hosts always are); repeatable", (v: string, p: string[]) => [...p, v], [] as string[])
    .action(async (o: { server?: string; token?: string; file?: string; name: string; dataDir: string; insecureRegistry: string[] }) => {
      const { createLogger } = await import("../server/logger.js");
      const { createAgent } = await import("../delivery/agent/index.js");
      const { InputError } = await import("../workflow/errors.js");
      const logger = createLogger(process.env.FERRY_LOG_LEVEL ?? "info");
      const token = o.token ?? process.env.FERRY_AGENT_TOKEN;
      if (!o.file && !o.server) throw new InputError([{ file: "--server", message: "give --server URL (with --token) or --file PATH" }]);
      if (o.server && !token) throw new InputError([{ file: "--token", message: "an agent token is needed (--token or FERRY_AGENT_TOKEN; ferry up writes one to .ferry/agent.token)" }]);
      const serverHost = o.server ? new URL(o.server).host : undefined;
      const agent = createAgent({
        name: o.name, stateDir: resolve(o.dataDir),
        source: o.file ? { kind: "file", path: resolve(o.file) } : { kind: "server", url: o.server ?? "", token: token ?? "" },
        registryToken: (host) => (host === serverHost ? token : process.env.FERRY_REGISTRY_TOKEN),
        insecureRegistries: o.insecureRegistry, log: (m, f) => logger.info(f ?? {}, m),
        ...(process.env.CONTAINERS_CONF ? { containersConf: process.env.CONTAINERS_CONF } : {}),
        ...(process.env.FERRY_PROGRESS_DEADLINE_MS ? { progressDeadlineMs: Number(process.env.FERRY_PROGRESS_DEADLINE_MS) } : {}),
      });
      await agent.start();
      logger.info({ name: o.name, source: o.file ?? o.server }, "agent started");
      await waitForSignal();
      await agent.stop();
      exit(0);
      setImmediate(() => process.exit(0));
    });
}
