import type { z } from "zod";

/**
 * A schema-level error message that leaves missing values to the parse-wide error map, so a
 * missing field reads "is required" rather than the message meant for a wrong value.
 */
export function unlessMissing(message: string): z.core.$ZodErrorMap {
  return (issue) => (issue.input === undefined ? undefined : message);
}
