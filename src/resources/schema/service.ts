import { z } from "zod";
import { durationSchema } from "./duration-schema.js";
import { resourceNameSchema, resourceSchema } from "./envelope.js";
import { artifactReferenceProblem, imageReferenceProblem } from "./image-reference.js";
import { integerSchema } from "./integer-schema.js";
import { argvSchema, portNameSchema, portNumberSchema, serviceHealthSchema } from "./service-health.js";
import { unlessMissing } from "./unless-missing.js";

/** Signals a Service may be stopped with. */
export const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGKILL"] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function referenceSchema(problemOf: (text: string) => string | undefined) {
  return z.string().superRefine((text, ctx) => {
    const problem = problemOf(text);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });
}

const portSchema = z
  .strictObject({
    name: portNameSchema.optional(),
    port: portNumberSchema.describe("Port the agent's proxy listens on and forwards to the replicas, from 1 to 65535."),
    protocol: z
      .enum(["http", "tcp"])
      .default("http")
      .describe('"http" (proxied per request, so replicas can be replaced without dropping requests) or "tcp" (per connection).'),
    containerPort: portNumberSchema
      .optional()
      .describe("For an image: the port the program listens on inside the container; defaults to port."),
  })
  .describe("A port of the service.");

const envSchema = z
  .record(z.string().regex(ENV_NAME), z.string(), {
    error: (issue) =>
      issue.code === "invalid_key" ? "must be an environment variable name: letters, digits and '_', not starting with a digit" : undefined,
  })
  .default(() => ({}))
  .describe("Environment variables for the program, name to value.");

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

type Issues = z.core.$RefinementCtx;

function checkWorkload(spec: Record<string, unknown>, ctx: Issues): void {
  const hasArtifact = spec.artifact !== undefined;
  const hasImage = spec.image !== undefined;
  if (!hasArtifact && !hasImage) ctx.addIssue({ code: "custom", message: "must set artifact (with command) or image" });
  if (hasArtifact && hasImage) ctx.addIssue({ code: "custom", path: ["image"], message: "must not be set together with artifact: set one of them" });
  if (hasArtifact && spec.command === undefined) {
    ctx.addIssue({ code: "custom", path: ["command"], message: "is required with artifact: the program to run from the unpacked artifact" });
  }
}

function checkPorts(spec: Record<string, unknown>, ctx: Issues): void {
  const numbers = new Map<unknown, number>();
  const names = new Map<unknown, number>();
  arrayOf(spec.ports).forEach((port, index) => {
    if (!isRecord(port)) return;
    const numberAt = numbers.get(port.port);
    if (numberAt !== undefined) ctx.addIssue({ code: "custom", path: ["ports", index, "port"], message: `duplicate port; already used by ports[${numberAt}]` });
    else numbers.set(port.port, index);
    const nameAt = port.name === undefined ? undefined : names.get(port.name);
    if (nameAt !== undefined) ctx.addIssue({ code: "custom", path: ["ports", index, "name"], message: `duplicate port name; already used by ports[${nameAt}]` });
    else if (port.name !== undefined) names.set(port.name, index);
    if (port.containerPort !== undefined && spec.image === undefined) {
      ctx.addIssue({ code: "custom", path: ["ports", index, "containerPort"], message: "applies to an image only; a program run from an artifact listens on $PORT" });
    }
  });
  const env = spec.env;
  if (numbers.size > 0 && isRecord(env) && env.PORT !== undefined) {
    ctx.addIssue({ code: "custom", path: ["env", "PORT"], message: "is set by Ferry to the port each replica must listen on" });
  }
}

function checkProbePort(spec: Record<string, unknown>, ctx: Issues): void {
  const health = spec.health;
  if (!isRecord(health)) return;
  const ports = arrayOf(spec.ports).filter(isRecord);
  for (const kind of ["http", "tcp"] as const) {
    const probe = health[kind];
    if (!isRecord(probe)) continue;
    if (probe.port === undefined) {
      if (ports.length === 0) ctx.addIssue({ code: "custom", path: ["health", kind], message: "needs a port: declare one in spec.ports" });
    } else if (!ports.some((p) => p.port === probe.port || (p.name !== undefined && p.name === probe.port))) {
      ctx.addIssue({ code: "custom", path: ["health", kind, "port"], message: "must be the number or name of a port in spec.ports" });
    }
  }
}

export const serviceSpecSchema = z
  .strictObject({
    artifact: referenceSchema(artifactReferenceProblem)
      .optional()
      .describe("Artifact in an OCI registry, host/name:version or host/name@sha256:…; the agent resolves it to a digest and unpacks it. Needs command."),
    image: referenceSchema(imageReferenceProblem)
      .optional()
      .describe("Container image, run with the podman runtime, e.g. docker.io/library/nginx:1.27."),
    command: argvSchema
      .optional()
      .describe("Program and arguments, run without a shell; with an artifact, relative to where it is unpacked. Required with artifact; overrides an image's entrypoint."),
    args: z.array(z.string()).default(() => []).describe("Further arguments, appended to command (or to the image's command)."),
    env: envSchema,
    replicas: integerSchema(0, 1000).default(1).describe("How many copies run, from 0 to 1000."),
    ports: z
      .array(portSchema)
      .default(() => [])
      .describe("Ports the agent's proxy serves, each on its own listener; each replica gets its own host port per entry: $PORT (the first), $PORT_<index> and $PORT_<NAME>."),
    health: serviceHealthSchema.optional(),
    dependsOn: z
      .array(resourceNameSchema.describe("Name of a Service in the same application."))
      .default(() => [])
      .refine((names) => new Set(names).size === names.length, { error: "must not name a Service twice" })
      .describe("Services of the same application that must be healthy before this one is started or updated."),
    stopSignal: z
      .enum(STOP_SIGNALS)
      .default("SIGTERM")
      .describe("Signal sent to stop a replica; after gracePeriod it is killed."),
    gracePeriod: durationSchema({ max: "1h" })
      .default("10s")
      .describe("How long a replica may take to exit after stopSignal before it is killed, at most 1h."),
    restartPolicy: z
      .enum(["Always", "OnFailure", "Never"], { error: unlessMissing('must be one of "Always", "OnFailure", "Never"') })
      .default("Always")
      .describe('When an exited replica is started again: "Always", "OnFailure" (non-zero exit) or "Never".'),
  })
  .superRefine(
    (spec, ctx) => {
      if (!isRecord(spec)) return;
      checkWorkload(spec, ctx);
      checkPorts(spec, ctx);
      checkProbePort(spec, ctx);
    },
    { when: () => true },
  );

/** `Service`: a workload in a config repository, run by the agent of the Application that names the path. */
export const serviceSchema = resourceSchema("Service", serviceSpecSchema)
  .superRefine(
    (service, ctx) => {
      const name: unknown = isRecord(service.metadata) ? service.metadata.name : undefined;
      const spec: unknown = service.spec;
      if (!isRecord(spec)) return;
      arrayOf(spec.dependsOn).forEach((dependency, index) => {
        if (dependency === name) ctx.addIssue({ code: "custom", path: ["spec", "dependsOn", index], message: "a Service cannot depend on itself" });
      });
    },
    { when: (payload) => isRecord(payload.value) },
  )
  .describe("A workload the agent runs: an artifact or image, its command, environment, replicas, ports and health check.");

/** A Service as Ferry uses it, defaults applied. */
export type Service = z.infer<typeof serviceSchema>;

/** A Service as written by a user, before defaults. */
export type ServiceInput = z.input<typeof serviceSchema>;
