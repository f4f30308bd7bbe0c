import { z } from "zod";
import type { StepRegistry } from "./types.js";

/** JSON Schema of each step's config (as written, before defaults), for editors and the dashboard. */
export function stepJsonSchemas(registry: StepRegistry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, step] of registry) out[name] = z.toJSONSchema(step.configSchema, { io: "input", unrepresentable: "any" });
  return out;
}
