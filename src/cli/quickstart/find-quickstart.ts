import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The `examples/quickstart` folder Ferry ships with: looked for above this module, which may run from
 * `dist/`, `dist/chunks/` or `src/cli/quickstart/`.
 */
export function findQuickstart(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const candidate = join(dir, "examples", "quickstart");
    if (existsSync(join(candidate, "ferry.yaml"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find examples/quickstart above ${from}; is Ferry installed completely?`);
  }
}
