import { z } from "zod";
import { unlessMissing } from "./unless-missing.js";

/** A whole number from `min` to `max`, with messages for people ("must be a whole number from 1 to 65535"). */
export function integerSchema(min: number, max: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z
    .int({ error: unlessMissing(range) })
    .min(min, { error: range })
    .max(max, { error: range });
}
