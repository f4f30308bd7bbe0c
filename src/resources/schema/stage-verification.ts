import { z } from "zod";
import { durationSchema } from "./duration-schema.js";
import { integerSchema } from "./integer-schema.js";
import { argvSchema } from "./service-health.js";
import { unlessMissing } from "./unless-missing.js";

const httpCheckSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: unlessMissing("must be an http:// or https:// URL") })
      .describe("URL to GET, e.g. https://staging.example.com/healthz."),
    expectStatus: integerSchema(100, 599)
      .optional()
      .describe("The status code that counts as a pass; without it any 2xx passes."),
    expectBodyContains: z
      .string()
      .min(1, { error: "must not be empty" })
      .optional()
      .describe("Text the response body must contain to pass."),
    timeout: durationSchema({ min: "100ms", max: "10m" })
      .default("10s")
      .describe("How long the request may take before the check fails, from 100ms to 10m."),
  })
  .describe("Pass when an HTTP GET answers as expected.");

const runCheckSchema = z
  .strictObject({
    command: argvSchema.describe("Program and arguments, run without a shell; exit status 0 is a pass."),
  })
  .describe("Pass when a command exits with status 0.");

/** The kinds of verification check; a check sets exactly one of them. */
export const CHECK_KINDS = ["http", "run"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One verification check: exactly one of `http` or `run`. */
export const verificationCheckSchema = z
  .strictObject({ http: httpCheckSchema.optional(), run: runCheckSchema.optional() })
  .superRefine(
    (check, ctx) => {
      if (!isRecord(check)) return;
      const set = CHECK_KINDS.filter((kind) => check[kind] !== undefined);
      if (set.length === 0) ctx.addIssue({ code: "custom", message: "must set one of http or run" });
      for (const extra of set.slice(1)) {
        ctx.addIssue({ code: "custom", path: [extra], message: `must not be set together with ${set[0]}: one kind per check` });
      }
    },
    { when: () => true },
  )
  .describe("A check that must pass for freight to count as verified in the stage.");

export const verificationSchema = z
  .strictObject({
    checks: z
      .array(verificationCheckSchema)
      .min(1, { error: "must list at least one check" })
      .describe("Checks run after each successful promotion; all must pass."),
    timeout: durationSchema({ min: "1s", max: "24h" })
      .default("5m")
      .describe("How long verification may take in all (every check together) before it fails, from 1s to 24h."),
  })
  .describe("How to verify freight after it is promoted to the stage; verified freight may move on to downstream stages.");

/** A verification check, defaults applied. */
export type VerificationCheck = z.infer<typeof verificationCheckSchema>;

/** `spec.verification` of a Stage, defaults applied. */
export type Verification = z.infer<typeof verificationSchema>;
