import type { WebhookHeaders } from "./types.js";

/** The value of the first of `names` that is present and not empty. */
export function firstHeader(headers: WebhookHeaders, ...names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}
