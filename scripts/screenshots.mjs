// Screenshots of the dashboard for the README: node scripts/screenshots.mjs URL TOKEN OUTDIR
// Saves overview.png, run.png (the newest run) and promotion-grid.png at 1400×900, using Debian's
// chromium (or FERRY_CHROMIUM).
/* global window, document -- the functions passed to page.evaluate run in the browser */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, token, outDir] = process.argv.slice(2);
if (!base || !token || !outDir) {
  console.error("usage: node scripts/screenshots.mjs URL TOKEN OUTDIR");
  process.exit(2);
}
const url = base.replace(/\/$/, "");
mkdirSync(outDir, { recursive: true });

const res = await fetch(`${url}/api/v1/runs?limit=1`, { headers: { authorization: `Bearer ${token}` } });
if (!res.ok) {
  console.error(`cannot list runs: HTTP ${res.status}`);
  process.exit(1);
}
const newest = (await res.json()).items[0];

const browser = await chromium.launch({ executablePath: process.env.FERRY_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.evaluate((t) => window.localStorage.setItem("ferry.token", t), token);
  const shots = [
    ["overview.png", "/"],
    ...(newest ? [["run.png", `/runs/${newest.id}`]] : []),
    ["promotion-grid.png", "/promotion"],
  ];
  for (const [file, path] of shots) {
    await page.goto(`${url}${path}`);
    await page.locator(".topbar").waitFor({ timeout: 20_000 });
    // Until every view has its first answer (live streams keep the network busy, so no "networkidle").
    await page.waitForFunction(() => document.querySelectorAll(".loading").length === 0, undefined, { timeout: 20_000 });
    await page.waitForTimeout(800);
    // A run page shows its last step's log open, which is what people come to a run page for.
    const steps = page.locator("details.step");
    if ((await steps.count()) > 0 && (await steps.last().getAttribute("open")) === null) {
      await steps.last().locator("summary").click();
      await page.waitForTimeout(500);
    }
    await page.screenshot({ path: join(outDir, file) });
    console.log(`${join(outDir, file)}  (${path})`);
  }
  if (!newest) console.log("no run yet: run.png skipped");
} finally {
  await browser.close();
}
