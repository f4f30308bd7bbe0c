import type { FastifyInstance, FastifyReply } from "fastify";
import { createReadStream, existsSync, statSync } from "node:fs";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Paths that belong to the API and protocols, never to the dashboard's SPA fallback. */
export const NOT_DASHBOARD = ["/api/", "/v2/", "/git/", "/webhooks/", "/healthz", "/readyz", "/metrics"] as const;

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".map": "application/json", ".svg": "image/svg+xml",
  ".png": "image/png", ".jpg": "image/jpeg", ".ico": "image/x-icon", ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8",
};

/**
 * Where the built dashboard is: `FERRY_WEB_DIR`, else a `web/` (or `dist/web/`) beside or above this
 * module — `dist/web` next to the bundled `dist/ferry.js` (or its chunks), or the repository's
 * `dist/web` when run from source. Undefined when it is not built.
 */
export function findDashboardDir(from = import.meta.url, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FERRY_WEB_DIR) return existsSync(join(env.FERRY_WEB_DIR, "index.html")) ? env.FERRY_WEB_DIR : undefined;
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 5; i++) {
    for (const candidate of [join(dir, "web"), join(dir, "dist", "web")]) {
      if (existsSync(join(candidate, "index.html"))) return candidate;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

const notBuilt = `<!doctype html><meta charset="utf-8"><title>Ferry</title>
<h1>The Ferry dashboard is not built</h1>
<p>Build it from the source tree with <code>npm run build</code> (or <code>npx vite build --config web/vite.config.ts</code>), then reload.
The API is available at <code>/api/v1/</code> either way.</p>`;

/**
 * Serves the dashboard at `/`: hashed assets with a year-long immutable cache, index.html never
 * cached, and index.html for every other GET path (client-side routes), except API and protocol paths.
 * No authentication: these are static files; the API they call is what is protected.
 */
export function registerWebRoutes(app: FastifyInstance, deps: { dir: string | undefined }): void {
  const root = deps.dir ? resolve(deps.dir) : undefined;

  const sendFile = (reply: FastifyReply, file: string, cache: string): FastifyReply => {
    const st = statSync(file);
    return reply.header("content-type", types[extname(file)] ?? "application/octet-stream").header("content-length", st.size)
      .header("cache-control", cache).header("x-content-type-options", "nosniff")
      // The token lives in the page's storage: no other site may frame the dashboard, and it loads only its own files.
      .header("x-frame-options", "DENY")
      .header("content-security-policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")
      .send(createReadStream(file));
  };

  const serve = (url: string, reply: FastifyReply): FastifyReply => {
    const path = url.split("?")[0] ?? "/";
    if (NOT_DASHBOARD.some((p) => path === p.replace(/\/$/, "") || path.startsWith(p))) {
      return reply.code(404).send({ error: { code: "not-found", message: `no route GET ${path}` } });
    }
    if (!root) return reply.code(503).header("content-type", "text/html; charset=utf-8").header("cache-control", "no-cache").send(notBuilt);
    let rel: string;
    try {
      rel = decodeURIComponent(path);
    } catch {
      return reply.code(400).send({ error: { code: "input", message: "malformed path" } });
    }
    const file = normalize(join(root, rel));
    if (rel !== "/" && (file === root || file.startsWith(root + sep)) && !rel.includes("\0")) {
      if (existsSync(file) && statSync(file).isFile()) {
        const immutable = rel.startsWith("/assets/");
        return sendFile(reply, file, immutable ? "public, max-age=31536000, immutable" : file.endsWith(".html") ? "no-cache" : "public, max-age=300");
      }
      // A missing asset is a 404, not the app: a stale page must not get HTML for its script.
      if (rel.startsWith("/assets/")) return reply.code(404).send({ error: { code: "not-found", message: `no file ${path}` } });
    }
    return sendFile(reply, join(root, "index.html"), "no-cache");
  };

  app.get("/", (req, reply) => serve(req.url, reply));
  app.get("/*", (req, reply) => serve(req.url, reply));
}
