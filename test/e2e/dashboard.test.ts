import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToken, openStore } from "../../src/store/index.js";
import { launchBrowser } from "./browser.js";
import { git, makeRepo } from "./helpers.js";
import { api, removeDir, startFerry, waitFor } from "./server-helpers.js";
import type { Up } from "./server-helpers.js";

/**
 * The dashboard in a real browser (Debian's chromium) against a real `ferry up`: sign-in, a commit
 * that shows up as a run whose log streams live, what a viewer is not offered, and the audit log.
 * The step waits for a file the test writes only after the browser showed its first line, so "the
 * log streams while the run is still going" holds without any timing assumption.
 */
const tmp = mkdtempSync(join(tmpdir(), "ferry-e2e-dashboard-"));
const release = join(tmp, "release");
const WORKFLOW = `name: CI
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Greet
        run: |
          echo "first line from the step"
          printf '\\033[32mall green\\033[0m\\n'
          i=0; while [ ! -f "${release}" ] && [ $i -lt 1500 ]; do sleep 0.1; i=$((i+1)); done
          echo "second line from the step"
  test:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo "tests passed"
`;

let up: Up;
let browser: Browser;
let viewerToken: string;
const repo = makeRepo({ "README.md": "hello\n" });

beforeAll(async () => {
  up = await startFerry("up");
  const store = openStore(up.dataDir);
  try {
    viewerToken = createToken(store, { name: "reader", role: "viewer" }).token;
  } finally {
    await store.close();
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  writeFileSync(release, "");
  await browser?.close();
  if (up) {
    await up.stop();
    removeDir(up.dataDir);
  }
  repo.cleanup();
  removeDir(tmp);
});

async function signIn(token: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(up.url);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".topbar").waitFor();
  return page;
}

describe("the dashboard", { timeout: 180_000 }, () => {
  let runId: number;

  it("refuses a token the server does not know, and signs in with the admin token", async () => {
    const page = await browser.newPage();
    await page.goto(up.url);
    await page.getByLabel("API token").fill("ferry_not-a-real-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 20_000 }).toContain("not valid");
    await page.close();

    const admin = await signIn(up.token);
    await expect.poll(() => admin.locator(".who").textContent(), { timeout: 20_000 }).toContain("admin");
    await expect.poll(() => admin.getByRole("navigation", { name: "main" }).textContent()).toBe("OverviewCIArtifactsPromotionApplicationsAudit");
    await admin.close();
  });

  it("shows a new commit as a run whose log streams live, and offers Cancel to an admin but not to a viewer", async () => {
    const applied = await api(up, "POST", "/api/v1/apply", {
      documents: [{ file: "repo.yaml", text: `apiVersion: ferry/v1alpha1\nkind: Repository\nmetadata:\n  name: shop\nspec:\n  url: ${repo.dir}\n  pollInterval: 1s\n` }],
    });
    expect(applied.status).toBe(200);
    await waitFor(async () => (await api<{ status?: { ready?: boolean } }>(up, "GET", "/api/v1/resources/Repository/shop")).body.status?.ready, 20_000, () => "the repository never became ready");

    const admin = await signIn(up.token);
    await admin.goto(`${up.url}/runs`);
    await admin.getByRole("heading", { name: "CI runs" }).waitFor();

    mkdirSync(join(repo.dir, ".github/workflows"), { recursive: true });
    writeFileSync(join(repo.dir, ".github/workflows/ci.yml"), WORKFLOW);
    git(repo.dir, "add", "-A");
    git(repo.dir, "commit", "-q", "-m", "add ci");
    const sha = git(repo.dir, "rev-parse", "HEAD").trim();

    // The run appears in the open list without a reload (live events).
    const row = admin.getByRole("link", { name: "CI #1" });
    await row.waitFor({ timeout: 60_000 });
    expect(await admin.locator("table.runs").textContent()).toContain(sha.slice(0, 7));
    await row.click();
    await admin.waitForURL(/\/runs\/\d+/);
    runId = Number(/\/runs\/(\d+)/.exec(admin.url())?.[1]);

    // The first line shows while the step still waits for the release file: the run is not over.
    const log = admin.locator(".log");
    await expect.poll(() => log.textContent(), { timeout: 60_000 }).toContain("first line from the step");
    expect(await log.textContent()).not.toContain("second line from the step");
    expect((await api<{ status: string }>(up, "GET", `/api/v1/runs/${runId}`)).body.status).toBe("in_progress");
    // ANSI colours are rendered, not printed.
    expect(await admin.locator(".log .ansi-fg-2").first().textContent()).toBe("all green");
    expect(await log.textContent()).not.toContain("[32m");
    await admin.getByRole("button", { name: "Cancel" }).waitFor();

    // A viewer sees the same live run and its log, but is not offered Cancel.
    const viewer = await signIn(viewerToken);
    await viewer.goto(`${up.url}/runs/${runId}`);
    await expect.poll(() => viewer.locator(".log").textContent(), { timeout: 30_000 }).toContain("first line from the step");
    await expect.poll(() => viewer.locator(".who").textContent()).toContain("viewer");
    expect(await viewer.getByRole("button", { name: "Cancel" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /Re-run/ }).count()).toBe(0);
    await viewer.close();

    // Released, the step goes on: its next line and the run's end arrive without a reload.
    writeFileSync(release, "");
    await expect.poll(() => log.textContent(), { timeout: 60_000 }).toContain("second line from the step");
    await expect.poll(() => admin.locator(".run-head [data-status]").first().getAttribute("data-status"), { timeout: 60_000 }).toBe("success");
    await expect.poll(() => admin.locator(".graph [data-node=test] [data-status]").getAttribute("data-status"), { timeout: 60_000 }).toBe("success");
    expect(await admin.getByRole("button", { name: "Cancel" }).count()).toBe(0);

    // The search box keeps only matching lines.
    await admin.getByLabel("Search the log").fill("second line");
    await expect.poll(() => log.textContent()).not.toContain("first line from the step");
    expect(await log.locator("mark").first().textContent()).toBe("second line");
    await admin.close();
  });

  it("opens a shared run URL directly, and lists who did what in the audit log, filterable", async () => {
    const page = await signIn(up.token);
    await page.goto(`${up.url}/runs/${runId}`);
    await page.getByRole("heading", { name: "CI #1" }).waitFor();

    await page.getByRole("link", { name: "Audit" }).click();
    await page.waitForURL(/\/audit$/);
    const table = page.locator("table.audit");
    await expect.poll(() => table.textContent(), { timeout: 20_000 }).toContain("resource.created");
    expect(await table.textContent()).toContain("run.created");
    expect(await table.textContent()).toContain("bootstrap-admin");

    await page.getByLabel("action").fill("resource");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=resource/);
    await expect.poll(() => table.textContent()).not.toContain("run.created");
    expect(await table.textContent()).toContain("Repository");
    await page.close();
  });

  it("lists runs a page at a time, filtered by repository and branch, with the job graph of a run", async () => {
    type Page = { items: Array<{ id: number; branch: string }>; next: number | null };
    const page = (await api<Page>(up, "GET", "/api/v1/runs?repository=shop&branch=main&limit=1")).body;
    expect(page.items.map((r) => [r.id, r.branch])).toEqual([[runId, "main"]]);
    expect(page.next).toBe(runId);
    expect((await api<Page>(up, "GET", `/api/v1/runs?repository=shop&limit=1&before=${runId}`)).body).toEqual({ items: [], next: null });
    expect((await api<Page>(up, "GET", "/api/v1/runs?branch=other")).body.items).toEqual([]);
    expect((await api(up, "GET", "/api/v1/runs/facets?repository=shop")).body).toEqual({ repositories: ["shop"], branches: ["main"] });
    const run = (await api<{ graph: Array<{ id: string; needs: string[] }> }>(up, "GET", `/api/v1/runs/${runId}`)).body;
    expect(run.graph.map((n) => [n.id, n.needs])).toEqual([["build", []], ["test", ["build"]]]);
  });

  it("answers unknown API paths with JSON and every other path with the dashboard", async () => {
    const api404 = await fetch(`${up.url}/api/v1/no-such-thing`);
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ error: { code: "not-found" } });
    const deep = await fetch(`${up.url}/promotions/42`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get("cache-control")).toBe("no-cache");
    const html = await deep.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${up.url}${asset ?? ""}`);
    expect(script.headers.get("cache-control")).toContain("immutable");
  });
});
