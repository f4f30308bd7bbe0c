import { join, relative } from "node:path";
import type { QuickstartState } from "./seed-quickstart.js";

export type QuickstartSummary = { state: QuickstartState; fresh: boolean; serverUrl: string; dataDir: string; ferry: string };

const shown = (path: string): string => {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
};

/** What `ferry up --demo` prints: what was seeded, what to open, and what to try. */
export function formatQuickstart(s: QuickstartSummary): string {
  const { state, ferry } = s;
  const app = shown(state.appRepo);
  const moved = state.registry !== new URL(s.serverUrl).host
    ? [`Note: the quickstart was seeded for a server at ${state.registry}; its registry references point there.`, `      Start it as before (--port ${state.registry.split(":").pop() ?? ""}), or remove ${shown(join(s.dataDir, "demo"))} to seed it afresh.`]
    : [];
  return [
    ...moved,
    "",
    s.fresh ? "The quickstart is seeded; its first version is being built now:" : "The quickstart (seeded before) is running:",
    `  app repository     ${app}  (its workflow tests, builds and publishes quickstart/web)`,
    `  config repository  ${shown(state.configRepo)}  (promotions commit here; the agent delivers from here)`,
    `  dashboard          ${s.serverUrl}/  (sign in with the token in ${shown(join(s.dataDir, "admin.token"))})`,
    "",
    "The three stages, each served on its own port:",
    `  dev      http://127.0.0.1:${state.ports.dev}/      every new version, automatically`,
    `  staging  http://127.0.0.1:${state.ports.staging}/      once verified in dev, automatically; checks the page still says Hello`,
    `  prod     http://127.0.0.1:${state.ports.prod}/      once verified in staging and approved by a person`,
    "",
    "Try:",
    `  ${ferry} stage ls                          # which freight each stage runs, and what waits`,
    `  ${ferry} freight ls                        # versions of the app, pinned by digest`,
    `  ${ferry} approve FREIGHT --stage prod      # let a version into prod (FREIGHT: its alias from freight ls)`,
    `  cd ${app} && echo "Hello again!" > message.txt && git commit -qam "Say hello again"`,
    "                                               # CI publishes it; dev and staging take it on their own",
    `  ${ferry} promote prod --freight OLDER      # roll prod back to an earlier freight`,
    "",
  ].join("\n");
}
