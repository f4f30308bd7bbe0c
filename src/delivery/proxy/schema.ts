import { z } from "zod";

/** One replica the proxy may route to. `id` names it for `drain` and stats. */
export const backendSchema = z.object({
  id: z.string().min(1),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
});

export type Backend = z.infer<typeof backendSchema>;

export const serviceProxySettingsSchema = z.strictObject({
  host: z.string().min(1).default("127.0.0.1").describe("Address to listen on."),
  port: z.number().int().min(0).max(65_535).describe("The Service's declared port; 0 picks a free one."),
  protocol: z.enum(["http", "tcp"]).describe("http routes each request; tcp routes each connection."),
  backendWaitMs: z
    .number()
    .int()
    .min(0)
    .default(5_000)
    .describe("How long a request or connection waits for a reachable backend before it fails (503 / 502 / close)."),
  retryBackoffMs: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe("Pause before trying backends again once every current one failed to connect."),
  replayBufferBytes: z
    .number()
    .int()
    .min(0)
    .default(64 * 1024)
    .describe("Request body bytes kept so an idempotent request can be retried on another backend."),
  closeGraceMs: z.number().int().min(0).default(5_000).describe("How long close() lets in-flight traffic finish."),
});

export type ServiceProxySettings = z.infer<typeof serviceProxySettingsSchema>;
export type ServiceProxySettingsInput = z.input<typeof serviceProxySettingsSchema>;
