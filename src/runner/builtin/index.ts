// Placeholder until the built-in actions land; helper replaces this file.
import type { BuiltinAction } from "./types.js";

export const builtinActions: ReadonlyMap<string, BuiltinAction> = new Map([
  ["actions/checkout", { id: "actions/checkout", inputs: {}, main: () => Promise.resolve() }],
]);

export function findBuiltin(uses: string): BuiltinAction | undefined {
  return builtinActions.get(uses.split("@")[0]?.toLowerCase() ?? "");
}
