import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { findDashboardDir, registerWebRoutes } from "./web-routes.js";

const dirs: string[] = [];
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function builtDashboard(): string {
  const dir = mkdtempSync(join(tmpdir(), "ferry-web-"));
  dirs.push(dir);
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><div id=root></div>");
  writeFileSync(join(dir, "assets", "index-abc123.js"), "console.log(1)");
  writeFileSync(join(dir, "favicon.svg"), "<svg/>");
  return dir;
}

async function serve(dir: string | undefined): Promise<string> {
  app = Fastify({ logger: false });
  app.get("/api/v1/runs", () => ({ items: [] }));
  registerWebRoutes(app, { dir });
  return app.listen({ host: "127.0.0.1", port: 0 });
}

describe("registerWebRoutes", () => {
  it("serves hashed assets for a year, index.html uncached, and index.html for client-side routes", async () => {
    const url = await serve(builtDashboard());
    const asset = await fetch(`${url}/assets/index-abc123.js`);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await asset.text()).toBe("console.log(1)");
    for (const path of ["/", "/runs/12?job=3", "/applications/web%20app"]) {
      const page = await fetch(`${url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("cache-control")).toBe("no-cache");
      expect(await page.text()).toContain("id=root");
    }
    expect((await fetch(`${url}/favicon.svg`)).headers.get("content-type")).toBe("image/svg+xml");
  });

  it("may not be framed by another site, and loads only its own files", async () => {
    const page = await fetch(`${await serve(builtDashboard())}/`);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("serves a directory named with a trailing slash", async () => {
    const url = await serve(`${builtDashboard()}/`);
    expect(await (await fetch(`${url}/assets/index-abc123.js`)).text()).toBe("console.log(1)");
  });

  it("never answers API or protocol paths, or a missing asset, with the page", async () => {
    const url = await serve(builtDashboard());
    expect(await (await fetch(`${url}/api/v1/runs`)).json()).toEqual({ items: [] });
    for (const path of ["/api/v1/nothing", "/v2/x/manifests/1", "/git/x/info/refs", "/webhooks/github", "/metrics", "/assets/gone-123.js"]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not-found");
    }
  });

  it("does not serve files outside its directory", async () => {
    const dir = builtDashboard();
    writeFileSync(join(dir, "..", `secret-${dirs.length}.txt`), "nope");
    const url = await serve(dir);
    const res = await fetch(`${url}/..%2Fsecret-${dirs.length}.txt`);
    expect(await res.text()).not.toContain("nope");
    rmSync(join(dir, "..", `secret-${dirs.length}.txt`));
  });

  it("says how to build the dashboard when it is missing", async () => {
    const url = await serve(undefined);
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build");
  });
});

describe("findDashboardDir", () => {
  it("finds web/ beside the bundle, or dist/web above a source module", () => {
    const root = mkdtempSync(join(tmpdir(), "ferry-find-"));
    dirs.push(root);
    mkdirSync(join(root, "dist", "web"), { recursive: true });
    mkdirSync(join(root, "dist", "chunks"), { recursive: true });
    mkdirSync(join(root, "src", "server", "routes"), { recursive: true });
    writeFileSync(join(root, "dist", "web", "index.html"), "x");
    const env = {};
    expect(findDashboardDir(pathToFileURL(join(root, "dist", "ferry.js")).href, env)).toBe(join(root, "dist", "web"));
    expect(findDashboardDir(pathToFileURL(join(root, "dist", "chunks", "x.js")).href, env)).toBe(join(root, "dist", "web"));
    expect(findDashboardDir(pathToFileURL(join(root, "src", "server", "routes", "web-routes.ts")).href, env)).toBe(join(root, "dist", "web"));
    expect(findDashboardDir(pathToFileURL(join(root, "src", "x.ts")).href, { FERRY_WEB_DIR: join(root, "nowhere") })).toBeUndefined();
  });
});
