import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GIT_ENV, ferry, git } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * Continuous promotion under `ferry up`: an artifact pushed to the built-in registry becomes freight,
 * dev promotes it by itself (writing the digest into the config repository), prod takes it only once it is
 * verified in dev and approved, and every step is in the event log.
 */
type Freight = { name: string; alias: string; data: { artifacts: Array<{ digest: string }> }; verifiedIn: Record<string, unknown>; approvedFor: Record<string, unknown> };
type Promotion = { id: number; stage: string; freight: string; phase: string; commit: string | null; requestedBy: string; message: string | null };

const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-promotion-"));
const bare = join(tmp, "config.git");
let up: Up;
let host: string;

const show = (path: string): string => execFileSync("git", ["--git-dir", bare, "show", `main:${path}`], { encoding: "utf8", env: { ...process.env, ...GIT_ENV } });

function stage(name: string, sources: string, extra = ""): string {
  return `apiVersion: ferry/v1alpha1
kind: Stage
metadata: { name: ${name} }
spec:
  requestedFreight:
    - origin: { warehouse: web }
      sources: ${sources}
  promotionTemplate:
    steps:
      - uses: git-clone
        as: clone
        config: { repoURL: "${bare}", branch: main, path: config }
      - uses: yaml-update
        config:
          path: "\${{ outputs.clone.path }}"
          file: ${name}/web.yaml
          updates:
            - key: spec.artifact
              value: "\${{ freight.artifacts[0].repoURL }}@\${{ freight.artifacts[0].digest }}"
      - uses: git-commit
        config: { path: "\${{ outputs.clone.path }}", message: "Promote web \${{ freight.alias }} to ${name}" }
      - uses: git-push
        config: { path: "\${{ outputs.clone.path }}" }
  autoPromotion: true
${extra}`;
}

async function publish(version: string): Promise<void> {
  const dir = join(tmp, `web-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "VERSION"), version);
  const r = await ferry(tmp, ["artifact", "push", `team/web:${version}`, "VERSION", "-C", dir, "--server", up.url, "--token", up.token]);
  expect(r.code, r.out).toBe(0);
}

beforeAll(async () => {
  const work = join(tmp, "work");
  git(tmp, "init", "-q", "--bare", "-b", "main", bare);
  git(tmp, "clone", "-q", bare, work);
  for (const s of ["dev", "prod", "qa"]) {
    mkdirSync(join(work, s), { recursive: true });
    writeFileSync(join(work, s, "web.yaml"), `# the web service in ${s}\napiVersion: ferry/v1alpha1\nkind: Service\nmetadata:\n  name: web\nspec:\n  artifact: example.com/team/web:0 # set by promotion\n  command: [node, server.js]\n`);
  }
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "config");
  git(work, "push", "-q", "origin", "main");
  up = await startFerry("up");
  host = new URL(up.url).host;
  const resources = [
    `apiVersion: ferry/v1alpha1\nkind: Warehouse\nmetadata: { name: web }\nspec:\n  subscriptions:\n    - artifact: { repoURL: ${host}/team/web, strategy: NewestBuild }\n  interval: 10s\n`,
    stage("dev", "{ direct: true }"),
    stage("prod", "{ stages: [dev] }", "  approval: { required: true }\n"),
    stage("qa", "{ stages: [prod] }").replace("autoPromotion: true", "autoPromotion: false"),
  ];
  expect((await api(up, "POST", "/api/v1/apply", { documents: resources.map((text, i) => ({ file: `promotion-${i}.yaml`, text })) })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await up.stop();
  removeDir(up.dataDir);
  removeDir(tmp);
});

describe("continuous promotion under ferry up", { timeout: 180_000 }, () => {
  it("turns a pushed artifact into freight, auto-promotes it to dev by a commit, and holds prod for an approval", async () => {
    await publish("1.0.0");
    const freight = await waitFor(async () => (await api<{ items: Freight[] }>(up, "GET", "/api/v1/freight")).body.items[0], 20_000, () => "no freight was created");
    const digest = freight.data.artifacts[0]?.digest ?? "";
    expect(digest).toMatch(/^sha256:/);

    // dev: promoted on its own, the digest written into Git with the file's comments kept.
    await waitFor(() => show("dev/web.yaml").includes(digest), 30_000, () => `dev was not promoted:\n${show("dev/web.yaml")}`);
    const devFile = show("dev/web.yaml");
    expect(devFile).toContain("# the web service in dev");
    expect(devFile).toContain(`artifact: ${host}/team/web@${digest} # set by promotion`);
    await waitFor(async () => (await api<Freight>(up, "GET", `/api/v1/freight/${freight.name}`)).body.verifiedIn.dev, 20_000, () => "not verified in dev");

    // prod: eligible now, but auto-promotion says it waits for an approval, and Git is untouched.
    const prodDecision = async (): Promise<{ action: string; reason?: string; freight?: string } | undefined> =>
      (await api<{ items: Array<{ name: string; autoPromotion: { action: string; reason?: string; freight?: string } | null }> }>(up, "GET", "/api/v1/stages")).body.items.find((x) => x.name === "prod")?.autoPromotion ?? undefined;
    expect(await waitFor(async () => { const d = await prodDecision(); return d?.action === "wait" ? d : undefined; }, 20_000, () => "prod never said it waits for an approval")).toEqual({ action: "wait", reason: "awaiting-approval", freight: freight.name });
    expect(show("prod/web.yaml")).not.toContain(digest);
    const stages = await ferry(tmp, ["stage", "ls", "--server", up.url, "--token", up.token]);
    expect(stages.out).toMatch(/prod\s+-/);

    const approve = await ferry(tmp, ["approve", freight.alias, "--stage", "prod", "--server", up.url, "--token", up.token]);
    expect(approve.code, approve.out).toBe(0);
    await waitFor(() => show("prod/web.yaml").includes(digest), 30_000, () => "prod was not promoted after the approval");
    const prod = await waitFor(async () => { const p = (await api<{ items: Promotion[] }>(up, "GET", "/api/v1/promotions?stage=prod")).body.items[0]; return p?.phase === "Succeeded" ? p : undefined; }, 20_000, () => "the prod promotion did not succeed");
    expect(prod).toMatchObject({ freight: freight.name, requestedBy: "auto-promotion" });
    expect(prod.commit).toBe(git(bare, "rev-parse", "main").trim());
  });

  it("refuses freight a stage may not take yet, promotes by hand what it may, and records it all in the event log", async () => {
    await publish("2.0.0");
    const all = await waitFor(async () => { const items = (await api<{ items: Freight[] }>(up, "GET", "/api/v1/freight")).body.items; return items.length === 2 ? items : undefined; }, 20_000, () => "no second freight");
    const verifiedInProd = all.find((f) => f.verifiedIn.prod);
    const newer = all.find((f) => !f.verifiedIn.prod);
    if (!verifiedInProd || !newer) throw new Error("expected one freight verified in prod and one not");
    // qa takes only freight verified in prod, and promotes only when asked.
    const refused = await ferry(tmp, ["promote", "qa", "--freight", newer.alias, "--server", up.url, "--token", up.token]);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/may not go to qa/);
    const promoted = await ferry(tmp, ["promote", "qa", "--freight", verifiedInProd.name, "--server", up.url, "--token", up.token]);
    expect(promoted.code, promoted.out).toBe(0);
    await waitFor(() => show("qa/web.yaml").includes(verifiedInProd.data.artifacts[0]?.digest ?? "?"), 30_000, () => "qa was not promoted");
    const qa = await waitFor(async () => { const p = (await api<{ items: Promotion[] }>(up, "GET", "/api/v1/promotions?stage=qa")).body.items[0]; return p?.phase === "Succeeded" ? p : undefined; }, 20_000, () => "the qa promotion did not succeed");
    expect(qa.requestedBy).toBe("bootstrap-admin");

    const events = await api<{ items: Array<{ action: string; actor: string }> }>(up, "GET", "/api/v1/events?limit=500");
    const actions = events.body.items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["freight.created", "promotion.created", "promotion.succeeded", "freight.approved", "freight.verified"]));
    expect(events.body.items.find((e) => e.action === "freight.approved")?.actor).toBe("bootstrap-admin");
  });
});
