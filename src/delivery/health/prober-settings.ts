import { z } from "zod";

const ms = (fallback: number) => z.number().int().min(0).default(fallback);

/** Timing and thresholds of a prober, in the shape of a Kubernetes probe (milliseconds). */
export const proberSettingsSchema = z.strictObject({
  periodMs: z.number().int().min(1).default(10_000).describe("Time between the starts of two probes."),
  timeoutMs: z.number().int().min(1).default(1_000).describe("A probe still running after this long fails."),
  successThreshold: z.number().int().min(1).default(1).describe("Consecutive successes to become Healthy."),
  failureThreshold: z.number().int().min(1).default(3).describe("Consecutive failures for Healthy to become Degraded."),
  initialDelayMs: ms(0).describe("Wait before the first probe."),
});

export type ProberSettings = z.infer<typeof proberSettingsSchema>;
export type ProberSettingsInput = z.input<typeof proberSettingsSchema>;
