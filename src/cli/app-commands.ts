import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { ApiClient, ClientOptions } from "./client/api-client.js";

type Write = (s: string) => void;

type Status = {
  sync?: { status: string; revision: string | null; appliedRevision: string | null; message?: string };
  health?: { status: string; message: string };
  services?: Array<{ name: string; version?: string; health: string; message: string; restarts: number; replicas: Array<{ index: number; version: string; port?: number; pid?: number; health: string }> }>;
  diff?: { added: string[]; removed: string[]; changed: Array<{ name: string; fields: Array<{ path: string; from: unknown; to: unknown }> }>; unchanged: string[] };
  drift?: Array<{ kind: string; service: string; replica: string; message: string }>;
  pinnedRevision?: string | null;
  agent?: string;
  reportedAt?: string;
  conditions?: Array<{ reason: string; message: string }>;
};
type App = { metadata: { name: string }; spec: { source: { repoURL: string; path: string; targetRevision: string }; destination: { agent: string; runtime: string } }; status?: Status };

async function client(cmd: Command): Promise<ApiClient> {
  const { createApiClient } = await import("./client/api-client.js");
  return createApiClient(cmd.optsWithGlobals<ClientOptions>());
}

const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 12) : "-");

/** Drift the agent reports and has not healed (an Application without selfHeal), one line each. */
const driftLines = (s: Status): string => (s.drift ?? []).map((d) => `! ${d.kind === "stray" ? "stray replica" : "changed replica"} ${d.replica}: ${d.message}\n`).join("");

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}

/** `ferry app list|get|diff|history|sync|rollback|logs`: Applications and what their agents report. */
export function registerAppCommands(program: Command, write: Write): void {
  const withServer = (c: Command): Command => c
    .option("--server <url>", "the Ferry server (default FERRY_SERVER or http://127.0.0.1:8420)")
    .option("--token <token>", "an API token (default FERRY_TOKEN or .ferry/admin.token)")
    .option("--data-dir <dir>", "the data directory of a local ferry up, for its admin token");
  const app = program.command("app").description("GitOps Applications: status, diff, history, sync and rollback");

  withServer(app.command("list")).description("every Application with its sync and health").action(async (_o: unknown, cmd: Command) => {
    const r = await (await client(cmd)).request<{ items: App[] }>("GET", "/api/v1/resources/application");
    const rows = [["NAME", "AGENT", "SYNC", "HEALTH", "REVISION", "SOURCE"]];
    for (const a of r.items) {
      rows.push([a.metadata.name, a.spec.destination.agent, a.status?.sync?.status ?? "Unknown", a.status?.health?.status ?? "Unknown", short(a.status?.sync?.appliedRevision), `${a.spec.source.repoURL} ${a.spec.source.path}@${a.spec.source.targetRevision}`]);
    }
    write(table(rows));
  });

  withServer(app.command("get")).argument("<name>").description("an Application: sync, health, services and replicas").action(async (name: string, _o: unknown, cmd: Command) => {
    const a = await (await client(cmd)).request<App>("GET", `/api/v1/resources/application/${encodeURIComponent(name)}`);
    const s = a.status ?? {};
    write(`Name:      ${a.metadata.name}\nSource:    ${a.spec.source.repoURL} ${a.spec.source.path} @ ${a.spec.source.targetRevision}\nAgent:     ${a.spec.destination.agent} (${a.spec.destination.runtime})\n`);
    write(`Sync:      ${s.sync?.status ?? "Unknown"} to ${short(s.sync?.revision)} (applied ${short(s.sync?.appliedRevision)})${s.pinnedRevision ? `, pinned to ${short(s.pinnedRevision)} by a rollback` : ""}\n`);
    if (s.sync?.message) write(`           ${s.sync.message}\n`);
    write(`Health:    ${s.health?.status ?? "Unknown"}${s.health?.message ? ` — ${s.health.message}` : ""}\n`);
    if (s.drift?.length) write(`Drift:\n${driftLines(s)}`);
    if (s.services?.length) {
      const rows = [["SERVICE", "HEALTH", "VERSION", "REPLICAS", "RESTARTS", "MESSAGE"]];
      for (const v of s.services) rows.push([v.name, v.health, v.version ?? "-", v.replicas.map((r) => `${r.index}:${r.health}${r.port ? `@${r.port}` : ""}`).join(" ") || "-", String(v.restarts), v.message]);
      write(table(rows));
    }
  });

  withServer(app.command("diff")).argument("<name>").description("what differs between Git and what runs, field by field").action(async (name: string, _o: unknown, cmd: Command) => {
    const a = await (await client(cmd)).request<App>("GET", `/api/v1/resources/application/${encodeURIComponent(name)}`);
    if (!a.status?.diff) {
      write("no diff yet: the agent has not reported on this Application\n");
      return;
    }
    const { formatDiff } = await import("../delivery/index.js");
    const text = formatDiff(a.status.diff as Parameters<typeof formatDiff>[0]);
    write(text === "" ? "in sync: nothing differs\n" : text.endsWith("\n") ? text : `${text}\n`);
    // What runs can differ from what was applied too: drift the agent has not healed.
    if (a.status.drift?.length) write(`drift (what runs is not what was applied):\n${driftLines(a.status)}`);
  });

  withServer(app.command("history")).argument("<name>").description("the syncs of an Application, newest first").action(async (name: string, _o: unknown, cmd: Command) => {
    const r = await (await client(cmd)).request<{ items: Array<{ id: number; revision: string; trigger: string; actor: string; result: string; message: string | null; finishedAt: string }> }>("GET", `/api/v1/applications/${encodeURIComponent(name)}/history`);
    const rows = [["ID", "REVISION", "RESULT", "TRIGGER", "BY", "FINISHED", "MESSAGE"]];
    for (const h of r.items) rows.push([String(h.id), short(h.revision), h.result, h.trigger, h.actor, h.finishedAt, h.message ?? ""]);
    write(table(rows));
  });

  withServer(app.command("sync")).argument("<name>").description("ask the agent to sync now (and end a rollback pin)").action(async (name: string, _o: unknown, cmd: Command) => {
    const op = await (await client(cmd)).request<{ id: number }>("POST", `/api/v1/applications/${encodeURIComponent(name)}/sync`);
    write(`sync of ${name} requested (operation ${op.id})\n`);
  });

  withServer(app.command("rollback")).argument("<name>").argument("[id]", "a sync from ferry app history (default: the last good one before the current)")
    .description("sync to the revision of an earlier sync and hold it there until the next ferry app sync")
    .action(async (name: string, id: string | undefined, _o: unknown, cmd: Command) => {
      const op = await (await client(cmd)).request<{ id: number; revision: string }>("POST", `/api/v1/applications/${encodeURIComponent(name)}/rollback`, id === undefined ? {} : { id: Number(id) });
      write(`rollback of ${name} to ${short(op.revision)} requested (operation ${op.id})\n`);
    });

  app.command("logs").argument("<name>").argument("[service]")
    .description("the output of an Application's replicas, read where the agent runs them")
    .option("--agent-dir <dir>", "the agent's data directory (ferry up: .ferry/agent)", join(".ferry", "agent"))
    .option("--tail <n>", "only the last N lines of each replica", "100")
    .option("-f, --follow", "keep printing new lines", false)
    .action(async (name: string, service: string | undefined, o: { agentDir: string; tail: string; follow: boolean }) => {
      const { createProcessRuntime } = await import("../runtime/index.js");
      const runtime = createProcessRuntime({ stateDir: join(resolve(o.agentDir), "runtime", "process") });
      try {
        const replicas = (await runtime.list()).filter((r) => r.app === name && (service === undefined || r.service === service));
        if (replicas.length === 0) write(`no replicas of ${name}${service ? `/${service}` : ""} in ${o.agentDir}\n`);
        await Promise.all(replicas.map(async (r) => {
          for await (const line of runtime.logs(r.id, { tailLines: Number(o.tail), follow: o.follow })) write(`[${r.service}-${r.index}] ${line}\n`);
        }));
      } finally {
        await runtime.close();
      }
    });
}
