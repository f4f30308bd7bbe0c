// Bundles the CLI into dist/ferry.js. Bundling also inlines the JSON schemas that
// @actions/workflow-parser imports without an import attribute, which plain Node ESM rejects.
import { build } from "esbuild";
import { rmSync } from "node:fs";

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
