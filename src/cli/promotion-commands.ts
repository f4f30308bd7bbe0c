import type { Command } from "commander";
import type { ApiClient, ClientOptions } from "./client/api-client.js";

type Write = (s: string) => void;
type Freight = { name: string; alias: string; warehouse: string; createdAt: string; data: { artifacts?: Array<{ repoURL: string; tag?: string; digest: string }>; origin?: { runId?: string; commit?: string } }; verifiedIn: Record<string, { at: string }>; approvedFor: Record<string, { at: string; by: string }> };
type Promotion = { id: number; stage: string; freight: string; trigger: string; phase: string; message: string | null; commit: string | null; requestedBy: string; createdAt: string; finishedAt: string | null; steps: Array<{ uses: string; as: string; status: string; message?: string }>; verification: { phase: string; reasons?: string[] } | null };

async function client(cmd: Command): Promise<ApiClient> {
  const { createApiClient } = await import("./client/api-client.js");
  return createApiClient(cmd.optsWithGlobals<ClientOptions>());
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}

/** `ferry freight|stage|promotion ...`, `ferry promote`, `ferry approve`: continuous promotion from the command line. */
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
  withServer(stage.command("ls")).action(async (_o: unknown, cmd: Command) => {
    const r = await (await client(cmd)).request<{ items: Array<{ name: string; currentFreight: string | null; verification: { phase: string } | null; inFlight: Promotion[]; spec: { autoPromotion?: boolean; approval?: { required?: boolean } } }> }>("GET", "/api/v1/stages");
    const rows = [["STAGE", "FREIGHT", "VERIFICATION", "AUTO", "APPROVAL", "IN FLIGHT"]];
    for (const s of r.items) rows.push([s.name, s.currentFreight ?? "-", s.verification?.phase ?? "-", s.spec.autoPromotion ? "yes" : "no", s.spec.approval?.required ? "required" : "-", s.inFlight.map((p) => `#${p.id} ${p.phase}`).join(" ") || "-"]);
    write(table(rows));
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
