import type { z } from "zod";
import type { WebhookHeaders } from "./types.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const FORM = "application/x-www-form-urlencoded";

/**
 * Reads a delivery body as a JSON object. Forges configured to post forms send the JSON in the
 * `payload` field of an `application/x-www-form-urlencoded` body.
 */
export function readJsonObject(headers: WebhookHeaders, body: Buffer): Parsed<Record<string, unknown>> {
  let text = body.toString("utf8");
  if (headers["content-type"]?.toLowerCase().startsWith(FORM) === true) {
    const field = new URLSearchParams(text).get("payload");
    if (field === null) return { ok: false, error: "form body has no payload field" };
    text = field;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    return { ok: false, error: `body is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: "body is not a JSON object" };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Checks a parsed body against a schema; all problems come back in one message, each with its path. */
export function checkPayload<S extends z.ZodType>(schema: S, value: unknown, what: string): Parsed<z.infer<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
  return { ok: false, error: `not a ${what} payload: ${problems.join("; ")}` };
}
