import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";

/** Debian's chromium (or FERRY_CHROMIUM), headless; no sandbox, since tests run as root here. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.FERRY_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
}
