import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    {
      // @actions/workflow-parser ships source maps whose sources are not in the package; once Vite
      // transforms it (server.deps.inline below) it warns about every file. Those warnings are noise.
      name: "ferry:quiet-missing-sourcemap-sources",
      configResolved(config) {
        const warnOnce = config.logger.warnOnce.bind(config.logger);
        config.logger.warnOnce = (message, options) => {
          if (!message.includes("points to missing source files")) warnOnce(message, options);
        };
      },
    },
  ],
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // @actions/workflow-parser imports its JSON schemas without an import attribute, which
    // Node's ESM loader rejects; letting Vite transform the package makes it loadable in tests.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
