import type { Command } from "commander";
import type { ApiClient, ClientOptions } from "./client/api-client.js";

import type { Freight, Promotion, StageView } from "../server/api-types/index.js";

type Write = (s: string) => void;

type StageStatus = StageView;

/** Stages in pipeline order: those taking freight from a warehouse first, each after its upstream stages. */
function pipelineOrder(stages: readonly StageStatus[]): StageStatus[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const depth = new Map<string, number>();
  const depthOf = (s: StageStatus, seen: Set<string>): number => {
    const known = depth.get(s.name);
    if (known !== undefined) return known;
    if (seen.has(s.name)) return 0;
    seen.add(s.name);
    const ups = (s.spec.requestedFreight ?? []).flatMap((r) => r.sources?.stages ?? []).map((n) => byName.get(n)).filter((u): u is StageStatus => u !== undefined);
    const d = ups.length === 0 ? 0 : 1 + Math.max(...ups.map((u) => depthOf(u, seen)));
    depth.set(s.name, d);
    return d;
  };
  return [...stages].sort((a, b) => depthOf(a, new Set()) - depthOf(b, new Set()) || a.name.localeCompare(b.name));
}
type WarehouseResource = { metadata: { name: string }; spec: { subscriptions: Array<Record<string, { repoURL: string; branch?: string } | undefined>> } };

/** What freight holds, for people: artifact versions, image tags and short commits. */
function contents(f: Freight): string {
  const d = f.data as Freight["data"] & { images?: Array<{ repoURL: string; tag?: string }>; commits?: Array<{ id: string }> };
  return [...(d.artifacts ?? []).map((a) => `${a.repoURL}:${a.tag ?? "?"}`), ...(d.images ?? []).map((a) => `${a.repoURL}:${a.tag ?? "?"}`), ...(d.commits ?? []).map((c) => c.id.slice(0, 7))].join(" ");
}

/** Freight names shown as their alias and what they hold: "giddy-owl (…/web:0.1.1)". */
function freightLabel(all: readonly Freight[]): (name: string) => string {
  const byName = new Map(all.map((f) => [f.name, f]));
  return (name) => {
    const f = byName.get(name);
    return f ? `${f.alias} (${contents(f).split("/").pop() ?? ""})` : name;
  };
}

function subscriptionText(sub: Record<string, { repoURL: string; branch?: string } | undefined>): string {
  const [kind, source] = Object.entries(sub).find((e) => e[1] !== undefined) ?? ["?", undefined];
  return source ? `${kind}:${source.repoURL}${source.branch ? `#${source.branch}` : ""}` : kind;
}

/** What a stage's auto-promotion waits for, in words. */
function waiting(s: StageStatus, label: (name: string) => string): string {
  const d = s.autoPromotion;
  if (!d || d.action !== "wait") return "-";
  const what = d.freight ? label(d.freight) : "freight";
  return d.reason === "awaiting-approval" ? `approval of ${what}` : `${d.reason ?? "wait"}${d.freight ? ` ${what}` : ""}`;
}

async function client(cmd: Command): Promise<ApiClient> {
  const { createApiClient } = await import("./client/api-client.js");
  return createApiClient(cmd.optsWithGlobals<ClientOptions>());
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}

/** `ferry warehouse|freight|stage|promotion ...`, `ferry promote`, `ferry approve`: continuous promotion from the command line. */
export function registerPromotionCommands(program: Command, write: Write): void {
  const withServer = (c: Command): Command => c
    .option("--server <url>", "the Ferry server (default FERRY_SERVER or http://127.0.0.1:8420)")
    .option("--token <token>", "an API token (default FERRY_TOKEN or .ferry/admin.token)")
    .option("--data-dir <dir>", "the data directory of a local ferry up, for its admin token");

  const freight = program.command("freight").description("immutable bundles of artifact digests that move through stages");
  withServer(freight.command("ls")).option("--warehouse <name>").description("freight, newest first, with where it is verified and approved").action(async (o: { warehouse?: string }, cmd: Command) => {
    const r = await (await client(cmd)).request<{ items: Freight[] }>("GET", `/api/v1/freight${o.warehouse ? `?warehouse=${encodeURIComponent(o.warehouse)}` : ""}`);
    const rows = [["NAME", "ALIAS", "WAREHOUSE", "ARTIFACTS", "VERIFIED IN", "APPROVED FOR", "CREATED"]];
    for (const f of r.items) rows.push([f.name, f.alias, f.warehouse, (f.data.artifacts ?? []).map((a) => `${a.repoURL}:${a.tag ?? ""}`).join(" "), Object.keys(f.verifiedIn).join(",") || "-", Object.keys(f.approvedFor).join(",") || "-", f.createdAt]);
    write(table(rows));
  });
  withServer(freight.command("get")).argument("<name>", "name or alias").action(async (name: string, _o: unknown, cmd: Command) => {
    write(`${JSON.stringify(await (await client(cmd)).request<Freight>("GET", `/api/v1/freight/${encodeURIComponent(name)}`), null, 2)}\n`);
  });

  const stage = program.command("stage").description("stages and the freight each runs");
  withServer(stage.command("ls")).description("each stage with the freight it runs, its verification, and what it waits for").action(async (_o: unknown, cmd: Command) => {
    const api = await client(cmd);
    const [r, all] = await Promise.all([api.request<{ items: StageStatus[] }>("GET", "/api/v1/stages"), api.request<{ items: Freight[] }>("GET", "/api/v1/freight")]);
    const label = freightLabel(all.items);
    const rows = [["STAGE", "FREIGHT", "VERIFICATION", "AUTO", "APPROVAL", "IN FLIGHT", "WAITING"]];
    for (const s of pipelineOrder(r.items)) {
      rows.push([
        s.name, s.currentFreight ? label(s.currentFreight) : "-", s.verification?.phase ?? "-", s.spec.autoPromotion ? "yes" : "no",
        s.spec.approval?.required ? "required" : "-", s.inFlight.map((p) => `#${p.id} ${p.phase}`).join(" ") || "-", waiting(s, label),
      ]);
    }
    write(table(rows));
  });
  withServer(stage.command("get")).argument("<name>").description("one stage: its freight, verification, promotions in flight and spec").action(async (name: string, _o: unknown, cmd: Command) => {
    const api = await client(cmd);
    const [r, all] = await Promise.all([api.request<{ items: StageStatus[] }>("GET", "/api/v1/stages"), api.request<{ items: Freight[] }>("GET", "/api/v1/freight")]);
    const s = r.items.find((x) => x.name === name);
    if (!s) throw new Error(`no Stage "${name}"`);
    const label = freightLabel(all.items);
    write(`stage ${s.name}: ${s.currentFreight ? `runs ${label(s.currentFreight)}` : "runs no freight yet"}\n`);
    if (s.verification) write(`  verification: ${s.verification.phase}${s.verification.reasons?.length ? ` — ${s.verification.reasons.join("; ")}` : ""}\n`);
    for (const p of s.inFlight) write(`  in flight: promotion #${p.id} of ${label(p.freight)}, ${p.phase}${p.message ? ` — ${p.message}` : ""}\n`);
    const w = waiting(s, label);
    if (w !== "-") write(`  waiting: ${w}\n`);
    write(`${JSON.stringify(s.spec, null, 2)}\n`);
  });

  const warehouse = program.command("warehouse").description("where freight comes from: artifact, image and Git subscriptions");
  withServer(warehouse.command("ls")).description("warehouses with their subscriptions and newest freight").action(async (_o: unknown, cmd: Command) => {
    const api = await client(cmd);
    const [r, all] = await Promise.all([api.request<{ items: WarehouseResource[] }>("GET", "/api/v1/resources/warehouse"), api.request<{ items: Freight[] }>("GET", "/api/v1/freight")]);
    const rows = [["WAREHOUSE", "SUBSCRIPTIONS", "FREIGHT", "NEWEST"]];
    for (const w of r.items) {
      const mine = all.items.filter((f) => f.warehouse === w.metadata.name);
      rows.push([w.metadata.name, w.spec.subscriptions.map(subscriptionText).join(" "), String(mine.length), mine[0] ? `${mine[0].alias} (${mine[0].createdAt})` : "-"]);
    }
    write(table(rows));
  });
  withServer(warehouse.command("get")).argument("<name>").description("one warehouse: its spec and its freight, newest first").action(async (name: string, _o: unknown, cmd: Command) => {
    const api = await client(cmd);
    const w = await api.request<WarehouseResource>("GET", `/api/v1/resources/warehouse/${encodeURIComponent(name)}`);
    const mine = (await api.request<{ items: Freight[] }>("GET", `/api/v1/freight?warehouse=${encodeURIComponent(name)}`)).items;
    write(`warehouse ${w.metadata.name}: ${mine.length} freight\n`);
    for (const f of mine) write(`  ${f.alias}  ${f.name}  ${contents(f)}  ${f.createdAt}\n`);
    write(`${JSON.stringify(w.spec, null, 2)}\n`);
  });

  const promotion = program.command("promotion").description("runs of a stage's promotion steps");
  withServer(promotion.command("ls")).option("--stage <name>").action(async (o: { stage?: string }, cmd: Command) => {
    const r = await (await client(cmd)).request<{ items: Promotion[] }>("GET", `/api/v1/promotions${o.stage ? `?stage=${encodeURIComponent(o.stage)}` : ""}`);
    const rows = [["ID", "STAGE", "FREIGHT", "PHASE", "BY", "COMMIT", "MESSAGE"]];
    for (const p of r.items) rows.push([String(p.id), p.stage, p.freight, p.phase, p.requestedBy, p.commit?.slice(0, 12) ?? "-", p.message ?? ""]);
    write(table(rows));
  });
  withServer(promotion.command("get")).argument("<id>").action(async (id: string, _o: unknown, cmd: Command) => {
    const p = await (await client(cmd)).request<Promotion>("GET", `/api/v1/promotions/${encodeURIComponent(id)}`);
    write(`promotion ${p.id}: ${p.phase} — ${p.freight} to ${p.stage}, by ${p.requestedBy} (${p.trigger})${p.commit ? `, commit ${p.commit}` : ""}\n`);
    for (const s of p.steps) write(`  ${s.as} (${s.uses}): ${s.status}${s.message ? ` — ${s.message}` : ""}\n`);
    if (p.verification) write(`  verification: ${p.verification.phase}${p.verification.reasons?.length ? ` — ${p.verification.reasons.join("; ")}` : ""}\n`);
  });
  withServer(promotion.command("abort")).argument("<id>").action(async (id: string, _o: unknown, cmd: Command) => {
    const p = await (await client(cmd)).request<Promotion>("POST", `/api/v1/promotions/${encodeURIComponent(id)}/abort`);
    write(`promotion ${p.id} ${p.phase}\n`);
  });

  withServer(program.command("promote")).argument("<stage>").requiredOption("--freight <name>", "freight name or alias").description("promote freight to a stage (it waits when the stage needs an approval)")
    .action(async (stageName: string, o: { freight: string }, cmd: Command) => {
      const p = await (await client(cmd)).request<Promotion>("POST", `/api/v1/stages/${encodeURIComponent(stageName)}/promote`, { freight: o.freight });
      write(`promotion ${p.id} of ${p.freight} to ${p.stage}: ${p.phase}${p.message ? ` — ${p.message}` : ""}\n`);
    });
  withServer(program.command("approve")).argument("<freight>", "freight name or alias").requiredOption("--stage <name>").description("approve freight for a stage (approver role; not the person who asked for the promotion)")
    .action(async (name: string, o: { stage: string }, cmd: Command) => {
      await (await client(cmd)).request("POST", `/api/v1/freight/${encodeURIComponent(name)}/approve`, { stage: o.stage });
      write(`${name} approved for ${o.stage}\n`);
    });
}
