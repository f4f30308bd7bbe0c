import type { z } from "zod";
import { formatPath } from "../../resources/index.js";
import { StepConfigError } from "./step-config-error.js";

/** Validates a step's (interpolated) config; every problem at once, each with its field path. */
export function parseConfig<C>(schema: z.ZodType<C>, config: unknown): C {
  const result = schema.safeParse(config);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where === "" ? issue.message : `${where}: ${issue.message}`;
  });
  const first = result.error.issues[0];
  throw new StepConfigError(`invalid config: ${problems.join("; ")}`, {
    path: first ? formatPath(first.path) : "",
    cause: result.error,
  });
}
