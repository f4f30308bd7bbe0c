import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser.js";
import { git } from "./helpers.js";
import { api, killProcessesUnder, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * The dashboard on the quickstart, as a newcomer sees it after `ferry up --demo`: the overview shows the
 * three stages; a commit to the app appears as a run with its log; approving the waiting freight from the
 * promotion grid puts it in prod, and the prod column shows it without a reload.
 */
type Freight = { name: string; alias: string; data: { artifacts: Array<{ tag?: string }> }; verifiedIn: Record<string, unknown> };
type State = { appRepo: string; ports: { dev: number; staging: number; prod: number } };

let up: Up;
let state: State;
let browser: Browser;
let page: Page;

async function freightOf(version: string): Promise<Freight> {
  return waitFor(async () => (await api<{ items: Freight[] }>(up, "GET", "/api/v1/freight")).body.items.find((f) => f.data.artifacts[0]?.tag === version), 120_000, () => `no freight for ${version}`);
}

async function prodServes(): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${state.ports.prod}/`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  up = await startFerry("up", {}, undefined, 0, ["--demo"]);
  const stateFile = join(up.dataDir, "demo", "quickstart.json");
  state = await waitFor(() => existsSync(stateFile) && (JSON.parse(readFileSync(stateFile, "utf8")) as State), 60_000, () => `not seeded:\n${up.output()}`);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(up.url);
  await page.getByLabel("API token").fill(up.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".topbar").waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await up?.stop();
  if (up) {
    killProcessesUnder(up.dataDir);
    removeDir(up.dataDir);
  }
});

describe("the dashboard on the quickstart", { timeout: 300_000 }, () => {
  it("shows the three stages on the overview, in pipeline order, with the first version in dev and staging", async () => {
    const stages = async (): Promise<Array<string | null>> => Promise.all((await page.locator(".stage-card").all()).map((card) => card.getAttribute("data-stage")));
    await expect.poll(stages, { timeout: 30_000 }).toEqual(["dev", "staging", "prod"]);
    const first = await freightOf("0.1.1");
    await expect.poll(() => page.locator('.stage-card[data-stage="staging"]').innerText(), { timeout: 120_000 }).toContain(first.alias);
    await expect.poll(() => page.locator('.stage-card[data-stage="prod"]').innerText(), { timeout: 60_000 }).toMatch(/approv/i);
  });

  it("shows a commit to the app as a new run, with its log", async () => {
    await page.getByRole("link", { name: "CI", exact: true }).click();
    await page.getByRole("heading", { name: "CI runs" }).waitFor();
    writeFileSync(join(state.appRepo, "message.txt"), "Hello from the dashboard test!\n");
    git(state.appRepo, "commit", "-q", "-am", "Greet the dashboard");
    const sha = git(state.appRepo, "rev-parse", "HEAD").trim();
    // It appears in the open list without a reload.
    const row = page.getByRole("link", { name: "ci #2", exact: true });
    await row.waitFor({ timeout: 90_000 });
    expect(await page.locator("table.runs").textContent()).toContain(sha.slice(0, 7));
    await row.click();
    await page.waitForURL(/\/runs\/\d+/);
    // Each step of the job, with its log; a finished step opens when clicked.
    const publish = page.locator('details.step[data-step="Publish"]');
    await publish.waitFor({ timeout: 90_000 });
    await expect.poll(async () => (await page.locator("details.step").allInnerTexts()).length).toBe(4);
    if ((await publish.getAttribute("open")) === null) await publish.locator("summary").click();
    await expect.poll(() => publish.textContent(), { timeout: 30_000 }).toContain("Published quickstart/web:0.1.2");
  });

  it("approves the waiting freight from the grid: it goes to prod, and the prod column shows it without a reload", async () => {
    const second = await freightOf("0.1.2");
    await waitFor(async () => (await api<Freight>(up, "GET", `/api/v1/freight/${second.name}`)).body.verifiedIn.staging, 120_000, () => "0.1.2 was not verified in staging");
    await page.getByRole("link", { name: "Promotion", exact: true }).click();
    const prodCell = page.locator(`td.grid-cell[data-stage="prod"][data-freight="${second.name}"]`);
    await expect.poll(() => prodCell.innerText(), { timeout: 60_000 }).toMatch(/awaiting approval/);
    await page.evaluate("document.body.dataset.sameDocument = 'yes'");
    await prodCell.getByRole("button", { name: "Approve" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.innerText()).toContain(`Approve freight ${second.alias}`);
    await dialog.getByRole("button", { name: "Approve" }).click();

    await expect.poll(() => prodCell.getAttribute("data-state"), { timeout: 120_000 }).toBe("current");
    expect(await page.evaluate("document.body.dataset.sameDocument")).toBe("yes");
    await waitFor(async () => (await prodServes())?.includes("version 0.1.2"), 60_000, () => "prod does not serve 0.1.2");
    expect(await prodServes()).toContain("Hello from the dashboard test!");
  });
});
