import { z } from "zod";
import { DURATION_PATTERN, parseDuration } from "./parse-duration.js";

/** Options for {@link durationSchema}; bounds are duration strings such as `"1s"`. */
export interface DurationBounds {
  readonly min?: string;
  readonly max?: string;
}

/**
 * A duration string (`30s`, `5m`, `1h30m`) kept as written, checked against optional bounds.
 * The pattern shows up in the JSON Schema; the bounds are checked only by Ferry.
 */
export function durationSchema(bounds: DurationBounds = {}) {
  const min = bounds.min === undefined ? undefined : parseDuration(bounds.min);
  const max = bounds.max === undefined ? undefined : parseDuration(bounds.max);
  return z
    .string()
    .regex(DURATION_PATTERN, { error: 'must be a duration such as "30s", "5m", "1h" or "1h30m" (units ms, s, m, h)' })
    .superRefine((text, ctx) => {
      if (!DURATION_PATTERN.test(text)) return;
      const ms = parseDuration(text);
      if (min !== undefined && ms < min) ctx.addIssue({ code: "custom", message: `must be at least ${bounds.min}` });
      if (max !== undefined && ms > max) ctx.addIssue({ code: "custom", message: `must be at most ${bounds.max}` });
    });
}
