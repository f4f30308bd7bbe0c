// Bundles the CLI into dist/ferry.js and builds the dashboard into dist/web. Bundling also inlines the JSON schemas that
// @actions/workflow-parser imports without an import attribute, which plain Node ESM rejects.
import { build } from "esbuild";
import { build as viteBuild } from "vite";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { ferry: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Commands and rarely used parts are imported lazily and split into chunks, so `ferry run`
  // loads only what it uses (start-up time is part of every run; see bench/).
  splitting: true,
  minify: true,
  keepNames: true,
  chunkNames: "chunks/[name]-[hash]",
  // Native addons load their compiled binary at run time from node_modules.
  external: ["better-sqlite3"],
  legalComments: "none",
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);",
  },
});

// The dashboard: React + Vite, built into dist/web, which the server serves at `/`.
await viteBuild({ configFile: fileURLToPath(new URL("../web/vite.config.ts", import.meta.url)), logLevel: "warn" });
