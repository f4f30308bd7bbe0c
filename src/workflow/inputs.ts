import { stringify } from "./expressions.js";
import type { Contexts, Value } from "./expressions.js";
import type { InputDef } from "./model.js";
import { interpolate } from "./template.js";

/** Coerces input values to their declared types and applies defaults. */
export function resolveInputs(defs: Record<string, InputDef>, given: Record<string, Value>, contexts: Contexts, where: string, warn: (m: string) => void): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [name, def] of Object.entries(defs)) {
    let v: Value | undefined = Object.entries(given).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (v === undefined && def.default !== undefined) v = interpolate(def.default, contexts);
    if (v === undefined) {
      if (def.required) warn(`${where}: required input "${name}" was not given`);
      v = def.type === "boolean" ? false : def.type === "number" ? null : "";
      if (def.type === "number") continue;
    }
    if (def.type === "boolean") out[name] = typeof v === "boolean" ? v : stringify(v).toLowerCase() === "true";
    else if (def.type === "number") out[name] = typeof v === "number" ? v : Number(stringify(v));
    else out[name] = typeof v === "string" ? v : stringify(v);
  }
  for (const [k, v] of Object.entries(given)) if (!Object.keys(out).some((n) => n.toLowerCase() === k.toLowerCase()) && !Object.keys(defs).length) out[k] = v;
  return out;
}
