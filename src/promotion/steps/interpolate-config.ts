import { formatPath } from "../../resources/index.js";
import { interpolate, type Contexts } from "../../workflow/index.js";
import { StepConfigError } from "./step-config-error.js";

/**
 * Evaluates every `${{ expr }}` in a step's raw config against `vars`, before validation.
 * A string that is one whole expression keeps the expression's type; mixed text becomes a string.
 * Keys are left as written. A bad expression is a {@link StepConfigError} naming its path.
 */
export function interpolateConfig(config: unknown, vars: Record<string, unknown>): unknown {
  return walk(config, vars as Contexts, []);
}

function walk(value: unknown, contexts: Contexts, at: PropertyKey[]): unknown {
  if (typeof value === "string") {
    try {
      return interpolate(value, contexts);
    } catch (error: unknown) {
      const where = formatPath(at);
      const reason = error instanceof Error ? error.message : String(error);
      throw new StepConfigError(where === "" ? reason : `${where}: ${reason}`, { path: where, cause: error });
    }
  }
  if (Array.isArray(value)) return value.map((item, i) => walk(item, contexts, [...at, i]));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = walk(item, contexts, [...at, key]);
    }
    return out;
  }
  return value;
}
