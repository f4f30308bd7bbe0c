import { z } from "zod";
import { durationSchema } from "./duration-schema.js";
import { integerSchema } from "./integer-schema.js";
import { unlessMissing } from "./unless-missing.js";

/** A port name, as Kubernetes spells them: lowercase letters, digits and `-`, at most 15 characters. */
export const portNameSchema = z
  .string()
  .regex(/^[a-z](?:[-a-z0-9]{0,13}[a-z0-9])?$/, {
    error: "must be lowercase letters, digits and '-', start with a letter, and be at most 15 characters",
  })
  .describe("A name for the port, to refer to it from a health check.");

/** A network port number. */
export const portNumberSchema = integerSchema(1, 65535);

/** A program and its arguments, run without a shell. */
export const argvSchema = z
  .array(z.string())
  .min(1, { error: "must name a program" })
  .refine((argv) => argv[0] !== "", { error: "must name a program (the first item is empty)" });

const probePortSchema = z
  .union([portNumberSchema, portNameSchema], { error: unlessMissing("must be a port number or the name of a port in spec.ports") })
  .describe("Which of spec.ports to probe, by port number or name; the first port when left out.");

const httpProbeSchema = z
  .strictObject({
    path: z
      .string()
      .regex(/^\/[^\s]*$/, { error: 'must be a URL path starting with "/", e.g. "/healthz"' })
      .describe('Path to GET, e.g. "/healthz"; a 2xx or 3xx answer is a success.'),
    port: probePortSchema.optional(),
  })
  .describe("Probe with an HTTP GET on each replica's own port.");

const tcpProbeSchema = z
  .strictObject({ port: probePortSchema.optional() })
  .describe("Probe by opening a TCP connection to each replica's own port.");

const execProbeSchema = z
  .strictObject({
    command: argvSchema.describe("Program and arguments, run without a shell; exit status 0 is a success."),
  })
  .describe("Probe by running a command beside (process runtime) or inside (podman) each replica.");

const PROBE_KINDS = ["http", "tcp", "exec"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `spec.health` of a Service: exactly one probe kind, and how often and how strictly to probe. */
export const serviceHealthSchema = z
  .strictObject({
    http: httpProbeSchema.optional(),
    tcp: tcpProbeSchema.optional(),
    exec: execProbeSchema.optional(),
    period: durationSchema({ min: "100ms", max: "1h" }).default("2s").describe("Time between probes, from 100ms to 1h."),
    timeout: durationSchema({ min: "10ms", max: "1h" })
      .default("1s")
      .describe("How long one probe may take before it counts as a failure, from 10ms to 1h."),
    successThreshold: integerSchema(1, 100)
      .default(1)
      .describe("Consecutive successes after which a replica is healthy."),
    failureThreshold: integerSchema(1, 100)
      .default(3)
      .describe("Consecutive failures after which a healthy replica is unhealthy."),
    initialDelay: durationSchema({ max: "1h" })
      .default("0s")
      .describe("Time to wait after a replica starts before the first probe, at most 1h."),
  })
  .superRefine(
    (health, ctx) => {
      if (!isRecord(health)) return;
      const set = PROBE_KINDS.filter((kind) => health[kind] !== undefined);
      if (set.length === 0) ctx.addIssue({ code: "custom", message: "must set one probe: http, tcp or exec" });
      for (const extra of set.slice(1)) {
        ctx.addIssue({ code: "custom", path: [extra], message: `must not be set together with ${set[0]}: one probe per service` });
      }
    },
    { when: () => true },
  )
  .describe("How the agent tells whether a replica is ready; without it, a running replica counts as healthy.");
