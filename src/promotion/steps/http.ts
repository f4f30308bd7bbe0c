import { z } from "zod";
import { durationSchema, parseDuration } from "../../resources/index.js";
import { createLimitedBuffer } from "./read-limited.js";
import { StepTimeoutError } from "./step-timeout-error.js";
import type { PromotionStep } from "./types.js";

const statusCode = z.number().int().min(100).max(599);

export const httpConfigSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: "must be an http or https URL" }),
  method: z.string().regex(/^[A-Z]+$/, { error: "must be an upper-case HTTP method" }).default("GET"),
  headers: z.record(z.string(), z.string()).default({}),
  /** A string is sent as is; anything else as JSON. */
  body: z.unknown().optional(),
  /** Accepted status codes; any 2xx when omitted. */
  expectStatus: z.union([statusCode, z.array(statusCode).min(1)]).optional(),
  /** The body must contain this text. */
  expectBodyContains: z.string().optional(),
  /** How long the request may take. */
  timeout: durationSchema({ min: "1ms" }).default("30s"),
});
export type HttpConfig = z.infer<typeof httpConfigSchema>;

function statusOk(status: number, expect: HttpConfig["expectStatus"]): boolean {
  if (expect === undefined) return status >= 200 && status < 300;
  return Array.isArray(expect) ? expect.includes(status) : status === expect;
}

function requestBody(config: HttpConfig, headers: Headers): string | undefined {
  if (config.body === undefined) return undefined;
  if (typeof config.body === "string") return config.body;
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return JSON.stringify(config.body);
}

async function readBody(response: Response, signal: AbortSignal): Promise<string> {
  const buffer = createLimitedBuffer();
  if (!response.body) return "";
  const reader = response.body.getReader();
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (chunk.done || !chunk.value) break;
      buffer.push(chunk.value);
      if (buffer.full()) break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return buffer.text();
}

/**
 * `http`: sends a request and checks the answer (status, body text). Outputs `{ status, body }`
 * with the body cut at 64 KiB. Headers are never logged (they often carry tokens).
 */
export function createHttpStep(): PromotionStep<HttpConfig> {
  return {
    name: "http",
    configSchema: httpConfigSchema,
    async run(config, ctx) {
      const timeout = AbortSignal.timeout(parseDuration(config.timeout));
      const signal = AbortSignal.any([ctx.signal, timeout]);
      const headers = new Headers(config.headers);
      const body = requestBody(config, headers);
      const target = new URL(config.url);
      ctx.log(`${config.method} ${target.origin}${target.pathname}`);
      let status: number;
      let text: string;
      try {
        const response = await fetch(config.url, { method: config.method, headers, body: body ?? null, signal, redirect: "follow" });
        status = response.status;
        text = await readBody(response, signal);
      } catch (error: unknown) {
        if (timeout.aborted && !ctx.signal.aborted) throw new StepTimeoutError(config.timeout);
        throw error;
      }
      const outputs = { status, body: text };
      if (!statusOk(status, config.expectStatus)) {
        const wanted = config.expectStatus === undefined ? "2xx" : [config.expectStatus].flat().join(" or ");
        return { status: "Failed", message: `got HTTP ${status}, expected ${wanted}`, outputs };
      }
      if (config.expectBodyContains !== undefined && !text.includes(config.expectBodyContains)) {
        return { status: "Failed", message: `HTTP ${status}: the body does not contain ${JSON.stringify(config.expectBodyContains)}`, outputs };
      }
      return { status: "Succeeded", message: `HTTP ${status}`, outputs };
    },
  };
}
