import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../workflow/index.js";
import type { ApiClient, ClientOptions } from "./client/api-client.js";
import type { Page, RunDetail, RunSummary } from "../server/api-types/index.js";

type Write = (s: string) => void;

async function client(cmd: Command): Promise<ApiClient> {
  const { createApiClient } = await import("./client/api-client.js");
  return createApiClient(cmd.optsWithGlobals<ClientOptions>());
}

async function yamlFiles(path: string): Promise<string[]> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new InputError([{ file: path, message: "no such file or directory" }]);
  if (s.isFile()) return [path];
  const out: string[] = [];
  for (const e of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith(".")) continue;
    const full = join(path, e.name);
    if (e.isDirectory()) out.push(...await yamlFiles(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out;
}

const text = (v: unknown): string => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v as string));

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}

function ago(iso: string | null | undefined): string {
  if (!iso) return "-";
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

/** `ferry apply|get|delete|runs|logs|secret`: the API from the command line. */
export function registerClientCommands(program: Command, write: Write): void {
  const withServer = (c: Command): Command => c
    .option("--server <url>", "the Ferry server (default FERRY_SERVER or http://127.0.0.1:8420)")
    .option("--token <token>", "an API token (default FERRY_TOKEN or .ferry/admin.token)")
    .option("--data-dir <dir>", "the data directory of a local ferry up, for its admin token");

  withServer(program.command("apply"))
    .description("create or update resources from YAML files; all or nothing")
    .requiredOption("-f, --filename <path...>", "files or directories of YAML")
    .action(async (o: { filename: string[] }, cmd: Command) => {
      const files = (await Promise.all(o.filename.map(yamlFiles))).flat();
      const documents = await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, "utf8") })));
      const api = await client(cmd);
      const r = await api.request<{ results: Array<{ kind: string; name: string; outcome: string }> }>("POST", "/api/v1/apply", { documents });
      for (const x of r.results) write(`${x.kind.toLowerCase()}/${x.name} ${x.outcome}\n`);
    });

  withServer(program.command("get"))
    .description("list resources of a kind, or show one")
    .argument("<kind>").argument("[name]")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (kind: string, name: string | undefined, o: { output: string }, cmd: Command) => {
      const api = await client(cmd);
      if (name) {
        write(`${JSON.stringify(await api.request("GET", `/api/v1/resources/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`), null, 2)}\n`);
        return;
      }
      const r = await api.request<{ items: Array<{ kind: string; metadata: { name: string; generation: number }; spec: Record<string, unknown>; status?: Record<string, unknown> }> }>("GET", `/api/v1/resources/${encodeURIComponent(kind)}`);
      if (o.output === "json") return write(`${JSON.stringify(r.items, null, 2)}\n`);
      write(table([["NAME", "GENERATION", "READY", "DETAIL"], ...r.items.map((i) => [
        i.metadata.name, String(i.metadata.generation), text(i.status?.ready ?? "-"),
        text(i.spec.url ?? i.status?.message ?? ""),
      ])]));
    });

  withServer(program.command("delete"))
    .description("delete a resource")
    .argument("<kind>").argument("<name>")
    .action(async (kind: string, name: string, _o: unknown, cmd: Command) => {
      await (await client(cmd)).request("DELETE", `/api/v1/resources/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`);
      write(`${kind}/${name} deleted\n`);
    });

  const runs = withServer(program.command("runs")).description("workflow runs: list (default), show, cancel")
    .option("--repository <name>", "only this repository's runs")
    .option("--limit <n>", "how many", "20")
    .action(async (o: { repository?: string; limit: string }, cmd: Command) => {
      const api = await client(cmd);
      const q = new URLSearchParams({ limit: o.limit, ...(o.repository ? { repository: o.repository } : {}) });
      const r = await api.request<Page<RunSummary>>("GET", `/api/v1/runs?${q.toString()}`);
      write(table([["ID", "REPOSITORY", "WORKFLOW", "REF", "SHA", "STATUS", "CONCLUSION", "CREATED"], ...r.items.map((x) => [
        String(x.id), x.repository, x.workflow.name, x.ref.replace(/^refs\/heads\//, ""),
        x.sha.slice(0, 7), x.status, text(x.conclusion ?? "-"), ago(x.createdAt),
      ])]));
    });
  withServer(runs.command("show")).argument("<id>").description("a run's jobs, steps and annotations")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const r = await (await client(cmd)).request<RunDetail>("GET", `/api/v1/runs/${encodeURIComponent(id)}`);
      write(`run ${r.id}: ${r.status}${r.conclusion ? ` (${r.conclusion})` : ""}${r.reason ? ` — ${r.reason}` : ""}\n`);
      for (const j of r.jobs) {
        write(`  job ${j.id} ${j.name}: ${j.conclusion ?? j.status}${j.durationMs !== null ? ` in ${(j.durationMs / 1000).toFixed(1)}s` : ""}${j.reason ? ` — ${j.reason}` : ""}\n`);
        for (const s of j.steps) write(`    ${s.number}. ${s.name}: ${s.conclusion ?? s.status}\n`);
      }
      for (const a of r.annotations) write(`  ${a.level}: ${a.message}\n`);
      const made = await (await client(cmd)).request<{ items: Array<{ kind: string; name: string; repository: string; reference: string; digest: string }> }>("GET", `/api/v1/runs/${encodeURIComponent(id)}/artifacts`);
      if (made.items.length > 0) write("  artifacts:\n");
      for (const a of made.items) write(`    ${a.kind} ${a.kind === "workflow" ? a.name : `${a.repository}:${a.reference}`} ${a.digest}\n`);
    });
  withServer(runs.command("rerun")).argument("<id>").description("re-run the failed jobs of a run (and what needs them)")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const r = await (await client(cmd)).request<{ runId: number }>("POST", `/api/v1/runs/${encodeURIComponent(id)}/rerun-failed`);
      write(`run ${r.runId} queued (re-run of ${id})\n`);
    });
  withServer(runs.command("cancel")).argument("<id>").description("cancel a run")
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const r = await (await client(cmd)).request<{ cancelled: boolean }>("POST", `/api/v1/runs/${encodeURIComponent(id)}/cancel`);
      write(r.cancelled ? `run ${id} cancelled\n` : `run ${id} had already finished\n`);
    });

  withServer(program.command("logs"))
    .description("a run's log, job by job; -f follows it live")
    .argument("<run>")
    .option("-f, --follow", "follow until the run ends", false)
    .action(async (runId: string, o: { follow: boolean }, cmd: Command) => {
      const api = await client(cmd);
      const show = (job: string, data: string): void => {
        const e = JSON.parse(data) as { type: string; step?: string; text?: string; level?: string; message?: string; conclusion?: string; result?: string };
        if (e.type === "line") write(`[${job}] ${e.text ?? ""}\n`);
        else if (e.type === "step-start") write(`[${job}] ▶ ${e.step ?? ""}\n`);
        else if (e.type === "step-end") write(`[${job}] ${e.conclusion === "success" ? "✓" : e.conclusion === "skipped" ? "-" : "✗"} ${e.step ?? ""}\n`);
        else if (e.type === "annotation" && e.level !== "debug") write(`[${job}] ${e.level ?? ""}: ${e.message ?? ""}\n`);
        else if (e.type === "job-end") write(`[${job}] job ${e.result ?? ""}\n`);
      };
      const seen = new Set<number>();
      for (;;) {
        const run = await api.request<{ status: string; conclusion: string | null; jobs: Array<{ id: number; name: string; status: string }> }>("GET", `/api/v1/runs/${encodeURIComponent(runId)}`);
        for (const j of run.jobs) {
          if (seen.has(j.id) || (j.status === "queued" && o.follow)) continue;
          seen.add(j.id);
          if (o.follow && j.status !== "completed") await api.stream(`/api/v1/jobs/${j.id}/logs?follow=1`, (d) => show(j.name, d));
          else {
            const logs = await api.request<{ records: Array<Record<string, unknown>> }>("GET", `/api/v1/jobs/${j.id}/logs`);
            for (const r of logs.records) show(j.name, JSON.stringify(r));
          }
        }
        if (!o.follow || run.status === "completed") {
          if (run.status === "completed") write(`run ${runId}: ${run.conclusion ?? ""}\n`);
          return;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    });

  withServer(program.command("dispatch"))
    .description("run a workflow that has on.workflow_dispatch")
    .argument("<repository>").argument("<workflow>", "file name, e.g. deploy.yml")
    .option("--ref <ref>", "branch or tag", "main")
    .option("--input <k=v>", "an input; repeatable", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (repo: string, workflow: string, o: { ref: string; input: string[] }, cmd: Command) => {
      const inputs = Object.fromEntries(o.input.map((kv) => {
        const i = kv.indexOf("=");
        if (i <= 0) throw new InputError([{ file: "--input", message: `expected name=value, got "${kv}"` }]);
        return [kv.slice(0, i), kv.slice(i + 1)];
      }));
      const r = await (await client(cmd)).request<{ runId: number }>("POST", `/api/v1/repositories/${encodeURIComponent(repo)}/workflows/${encodeURIComponent(workflow)}/dispatches`, { ref: o.ref, inputs });
      write(`run ${r.runId} queued\n`);
    });

  const secret = program.command("secret").description("repository secrets (values are write-only)");
  withServer(secret.command("set")).argument("<repository>").argument("<name>")
    .description("set a secret from standard input (or --value)")
    .option("--value <value>", "the value (prefer standard input: it stays out of your shell history)")
    .action(async (repo: string, name: string, o: { value?: string }, cmd: Command) => {
      let value = o.value;
      if (value === undefined) {
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        value = Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
      }
      await (await client(cmd)).request("PUT", `/api/v1/repositories/${encodeURIComponent(repo)}/secrets/${encodeURIComponent(name)}`, { value });
      write(`secret ${name} set on ${repo}\n`);
    });
  withServer(secret.command("list")).argument("<repository>")
    .action(async (repo: string, _o: unknown, cmd: Command) => {
      const r = await (await client(cmd)).request<{ items: Array<{ name: string; updatedAt: string }> }>("GET", `/api/v1/repositories/${encodeURIComponent(repo)}/secrets`);
      write(table([["NAME", "UPDATED"], ...r.items.map((s) => [s.name, ago(s.updatedAt)])]));
    });
}
