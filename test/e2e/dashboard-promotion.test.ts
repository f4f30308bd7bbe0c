import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, openStore } from "../../src/store/index.js";
import { launchBrowser } from "./browser.js";
import { GIT_ENV, ferry, git } from "./helpers.js";
import { api, killProcessesUnder, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * The dashboard's promotion, artifacts and applications pages in a real chromium against a real
 * `ferry up`: an artifact becomes freight, dev takes it by itself, prod waits for an approval; the
 * approval is given from the freight × stage grid and the prod column shows the freight running there
 * without the page being reloaded.
 */
type Freight = { name: string; alias: string; data: { artifacts: Array<{ digest: string }> } };
type Stage = { name: string; currentFreight: string | null; autoPromotion: { action: string; reason?: string; freight?: string } | null };

const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-dashboard-promotion-"));
const bare = join(tmp, "config.git");
let up: Up;
let browser: Browser;
let page: Page;
let freight: Freight;
let operatorToken: string;

const head = (): string => execFileSync("git", ["--git-dir", bare, "rev-parse", "main"], { encoding: "utf8", env: { ...process.env, ...GIT_ENV } }).trim();

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

/** The published app: serves its VERSION on $PORT, healthy at /healthz. */
const APP = `const http = require("node:http");
const version = require("node:fs").readFileSync(__dirname + "/VERSION", "utf8").trim();
http.createServer((req, res) => res.end(req.url === "/healthz" ? "ok" : "version " + version + "\\n")).listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

const stages = async (): Promise<Stage[]> => (await api<{ items: Stage[] }>(up, "GET", "/api/v1/stages")).body.items;

beforeAll(async () => {
  const work = join(tmp, "work");
  git(tmp, "init", "-q", "--bare", "-b", "main", bare);
  git(tmp, "clone", "-q", bare, work);
  for (const s of ["dev", "prod"]) {
    mkdirSync(join(work, s), { recursive: true });
    writeFileSync(join(work, s, "web.yaml"), `apiVersion: ferry/v1alpha1\nkind: Service\nmetadata:\n  name: web\nspec:\n  artifact: example.com/team/web:0\n  command: [node, server.js]\n  ports:\n    - port: ${await freePort()}\n  health:\n    http: { path: /healthz }\n    period: 200ms\n`);
  }
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "config");
  git(work, "push", "-q", "origin", "main");
  up = await startFerry("up", { FERRY_PROGRESS_DEADLINE_MS: "20000" });
  const store = openStore(up.dataDir);
  try {
    operatorToken = createToken(store, { name: "ops", role: "operator" }).token;
  } finally {
    await store.close();
  }
  const host = new URL(up.url).host;
  const resources = [
    `apiVersion: ferry/v1alpha1\nkind: Warehouse\nmetadata: { name: web }\nspec:\n  subscriptions:\n    - artifact: { repoURL: ${host}/team/web, strategy: NewestBuild }\n  interval: 10s\n`,
    stage("dev", "{ direct: true }"),
    stage("prod", "{ stages: [dev] }", "  approval: { required: true }\n"),
  ];
  expect((await api(up, "POST", "/api/v1/apply", { documents: resources.map((text, i) => ({ file: `stage-${i}.yaml`, text })) })).status).toBe(200);

  const dir = join(tmp, "web-1.0.0");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "VERSION"), "1.0.0");
  writeFileSync(join(dir, "server.js"), APP);
  const pushed = await ferry(tmp, ["artifact", "push", "team/web:1.0.0", "VERSION", "server.js", "-C", dir, "--server", up.url, "--token", up.token]);
  expect(pushed.code, pushed.out).toBe(0);
  freight = await waitFor(async () => (await api<{ items: Freight[] }>(up, "GET", "/api/v1/freight")).body.items[0], 30_000, () => "no freight was created");
  // prod waits for an approval once dev has verified the freight.
  await waitFor(async () => (await stages()).find((s) => s.name === "prod")?.autoPromotion?.reason === "awaiting-approval", 60_000, () => "prod never waited for an approval");

  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  // The agent leaves replicas running when it stops, by design: deleting the Application stops them.
  if (up) await api(up, "DELETE", "/api/v1/resources/application/web-dev").catch(() => undefined);
  await up?.stop();
  if (up) {
    killProcessesUnder(up.dataDir);
    removeDir(up.dataDir);
  }
  removeDir(tmp);
});

async function signIn(on: Page, path: string, token: string): Promise<void> {
  await on.goto(`${up.url}${path}`);
  await on.getByLabel("API token").fill(token);
  await on.getByRole("button", { name: "Sign in" }).click();
}

describe("the dashboard's promotion pages", { timeout: 180_000 }, () => {
  it("offers Approve to an approver but not an operator; approving from the grid puts the freight in prod, and the prod column shows it without a reload", async () => {
    // An operator may promote but not approve: the waiting freight offers them no button.
    const operator = await browser.newPage();
    await signIn(operator, "/promotion", operatorToken);
    const operatorsCell = operator.locator(`td.grid-cell[data-stage="prod"][data-freight="${freight.name}"]`);
    await expect.poll(() => operatorsCell.innerText(), { timeout: 30_000 }).toMatch(/awaiting approval/);
    expect(await operatorsCell.getByRole("button").count()).toBe(0);
    await operator.close();

    await signIn(page, "/promotion", up.token);
    const prodCell = page.locator(`td.grid-cell[data-stage="prod"][data-freight="${freight.name}"]`);
    const devCell = page.locator(`td.grid-cell[data-stage="dev"][data-freight="${freight.name}"]`);
    await expectState(devCell, "current");
    await expectState(prodCell, "blocked");
    await expect.poll(() => prodCell.innerText()).toMatch(/awaiting approval/);
    // Columns in pipeline order; the row names the freight by alias and digest.
    expect(await attributes(page.locator("th.stage-heading"), "data-stage")).toEqual(["dev", "prod"]);
    expect(await page.locator(`tr[data-freight="${freight.name}"] th`).innerText()).toContain(freight.alias);

    // Marks this document: a reload would lose the mark.
    await page.evaluate("document.body.dataset.sameDocument = 'yes'");
    await prodCell.getByRole("button", { name: "Approve" }).click();
    const dialog = page.getByRole("dialog");
    const digest = freight.data.artifacts[0]?.digest ?? "";
    expect(await dialog.innerText()).toContain(`Approve freight ${freight.alias} (${digest.slice(0, 19)}…) for prod`);
    await dialog.getByRole("button", { name: "Approve" }).click();

    await expectState(prodCell, "current", 90_000);
    expect(await page.evaluate("document.body.dataset.sameDocument")).toBe("yes");
    expect(await prodCell.innerText()).toMatch(/approved by bootstrap-admin/);
    expect((await stages()).find((s) => s.name === "prod")?.currentFreight).toBe(freight.name);
  });

  it("shows the promotion that put the freight in prod: each step, the commit it wrote, its verification", async () => {
    await page.locator(`td.grid-cell[data-stage="prod"][data-freight="${freight.name}"] a`).first().click();
    await page.waitForURL(/\/promotions\/\d+$/);
    await expect.poll(async () => { const t = await page.locator(".promotion-page").innerText(); return t.includes("Verified") && t.includes(freight.alias); }, { timeout: 20_000 }).toBe(true);
    const text = await page.locator(".promotion-page").innerText();
    expect(text).toMatch(/Succeeded/);
    expect(text).toContain(freight.alias);
    expect(text).toContain("auto-promotion of prod");
    expect(await page.locator("[data-commit]").getAttribute("data-commit")).toBe(head());
    expect(await attributes(page.locator("[data-step]"), "data-step")).toEqual(["clone", "step-1", "step-2", "step-3"]);
  });

  it("lists the artifact's version with its digest, size, and the stages it is deployed in", async () => {
    await page.getByRole("link", { name: "Artifacts" }).click();
    const digest = freight.data.artifacts[0]?.digest ?? "";
    const row = page.locator(`[data-artifact="team/web"] tr[data-digest="${digest}"]`);
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    const cells = await row.locator("td").allInnerTexts();
    expect(cells[0]).toBe("1.0.0");
    expect(cells[2]).toMatch(/^\d+(\.\d)? (B|KiB)$/);
    expect(await row.locator(".deployed .badge").allInnerTexts()).toEqual(["dev", "prod"]);
  });
});

async function attributes(elements: Locator, name: string): Promise<Array<string | null>> {
  return Promise.all((await elements.all()).map((e) => e.getAttribute(name)));
}

async function expectState(cell: Locator, state: string, timeout = 30_000): Promise<void> {
  await expect.poll(() => cell.getAttribute("data-state"), { timeout }).toBe(state);
}

describe("the dashboard's applications pages", { timeout: 180_000 }, () => {
  const application = `apiVersion: ferry/v1alpha1
kind: Application
metadata: { name: web-dev }
spec:
  source: { repoURL: "${bare}", path: dev, targetRevision: main }
  refreshInterval: 1s
`;
  const history = async (): Promise<Array<{ id: number; revision: string; result: string; trigger: string }>> =>
    (await api<{ items: Array<{ id: number; revision: string; result: string; trigger: string }> }>(up, "GET", "/api/v1/applications/web-dev/history")).body.items;

  it("lists the Application in its environment, shows what Git would change, and syncs it from the page", async () => {
    expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "app.yaml", text: application }] })).status).toBe(200);
    await page.getByRole("link", { name: "Applications" }).click();
    const row = page.locator('[data-environment="local"] tr[data-application="web-dev"]');
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    // Without an automated sync policy the agent only compares: web is in Git and not running yet.
    await expect.poll(() => row.innerText(), { timeout: 30_000 }).toMatch(/OutOfSync/);

    await row.getByRole("link", { name: "web-dev" }).click();
    await page.waitForURL(/\/applications\/web-dev$/);
    await expect.poll(() => page.locator("table.diff").innerText(), { timeout: 20_000 }).toMatch(/web\s+in Git, not running/);
    await page.getByRole("button", { name: "Sync" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.innerText()).toMatch(new RegExp(`Agent local makes web-dev match ${bare.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} dev at main \\(now [0-9a-f]{12}\\): 1 to add, 0 to change, 0 to remove\\.`));
    await dialog.getByRole("button", { name: "Sync" }).click();

    // The sync's record arrives live; the Service shows its replica with a pid and port.
    await expect.poll(() => page.locator("tr[data-sync]").count(), { timeout: 60_000 }).toBe(1);
    expect(await page.locator("tr[data-sync]").innerText()).toMatch(/Succeeded/);
    await expect.poll(() => page.locator('tr[data-service="web"]').innerText(), { timeout: 30_000 }).toMatch(/Healthy[\s\S]*pid \d+ :\d+/);
  });

  it("rolls back to an earlier sync from the history", async () => {
    const first = (await history())[0];
    if (!first) throw new Error("no first sync");
    // A new commit, synced from the page: the first sync becomes one to roll back to.
    const work = join(tmp, "work");
    git(work, "pull", "-q", "--rebase", "origin", "main");
    writeFileSync(join(work, "dev", "NOTES.md"), "a note\n");
    git(work, "add", "-A");
    git(work, "commit", "-q", "-m", "a note");
    git(work, "push", "-q", "origin", "main");
    await expect.poll(() => page.locator(".application-page .kv").innerText(), { timeout: 30_000 }).toContain(head());
    await page.getByRole("button", { name: "Sync" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Sync" }).click();
    await expect.poll(() => page.locator("tr[data-sync]").count(), { timeout: 60_000 }).toBe(2);

    await page.locator(`tr[data-sync="${first.id}"]`).getByRole("button", { name: "Rollback" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.innerText()).toContain(`Roll web-dev back to ${first.revision.slice(0, 12)}?`);
    await dialog.getByRole("button", { name: "Roll back" }).click();
    await expect.poll(async () => (await history())[0], { timeout: 60_000 }).toMatchObject({ revision: first.revision, trigger: "rollback", result: "Succeeded" });
    await expect.poll(() => page.locator(".application-page .kv").innerText(), { timeout: 30_000 }).toMatch(new RegExp(`Rolled back to\\s+${first.revision}`));
  });
});

describe("the applications list at scale", { timeout: 180_000 }, () => {
  type Page1 = { items: Array<{ name: string; agent: string }>; next: string | null; environments: Array<{ agent: string; total: number }> };

  it("pages 1,000 Applications by environment on the server, and the page walks through them", async () => {
    const agents = ["edge-a", "edge-b", "edge-c"];
    const docs = Array.from({ length: 1000 }, (_, i) => `apiVersion: ferry/v1alpha1
kind: Application
metadata: { name: app-${String(i).padStart(4, "0")} }
spec:
  source: { repoURL: "${bare}", path: dev }
  destination: { agent: ${agents[i % 3] ?? "edge-a"} }
`).join("---\n");
    expect((await api(up, "POST", "/api/v1/apply", { documents: [{ file: "many.yaml", text: docs }] })).status).toBe(200);

    const seen: Array<[string, string]> = [];
    let cursor: string | null = "";
    let first: Page1 | undefined;
    while (cursor !== null) {
      const page1: Page1 = (await api<Page1>(up, "GET", `/api/v1/applications?limit=100${cursor ? `&cursor=${cursor}` : ""}`)).body;
      first ??= page1;
      expect(page1.items.length).toBeLessThanOrEqual(100);
      seen.push(...page1.items.map((a): [string, string] => [a.agent, a.name]));
      cursor = page1.next;
    }
    expect(seen).toHaveLength(1001);
    expect(seen).toEqual([...seen].sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1)));
    expect(first?.environments).toEqual([
      { agent: "edge-a", total: 334, synced: 0, healthy: 0 }, { agent: "edge-b", total: 333, synced: 0, healthy: 0 },
      { agent: "edge-c", total: 333, synced: 0, healthy: 0 }, expect.objectContaining({ agent: "local", total: 1 }),
    ]);

    await page.getByRole("link", { name: "Applications" }).click();
    await expect.poll(() => page.locator("tr[data-application]").count(), { timeout: 20_000 }).toBe(100);
    expect(await page.locator('[data-environment="edge-a"] h2').innerText()).toMatch(/334 applications/);
    await page.getByRole("link", { name: "Next »" }).click();
    await expect.poll(() => page.locator("tr[data-application]").first().getAttribute("data-application")).toBe("app-0300");
    // One environment at a time, by its link.
    await page.getByRole("link", { name: /^local/ }).click();
    await expect.poll(() => attributes(page.locator("tr[data-application]"), "data-application")).toEqual(["web-dev"]);
  });
});
