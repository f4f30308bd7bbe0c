import { constants } from "node:os";
import { z } from "zod";

/** Application and Service names: DNS-label-like, as resource names are. */
export const RUNTIME_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** The version is an opaque hash of the Service spec; it becomes part of file and container names. */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const signalNames = Object.keys(constants.signals) as [NodeJS.Signals, ...NodeJS.Signals[]];
export const signalSchema = z.enum(signalNames);

const port = z.number().int().min(1).max(65535);

export const artifactSourceSchema = z.strictObject({
  kind: z.literal("artifact"),
  /** An unpacked release directory (from a release cache); the working directory of the replica. */
  dir: z.string().min(1),
  /** argv; `command[0]` is resolved on PATH (never through a shell). */
  command: z.array(z.string()).min(1),
});

export const imageSourceSchema = z.strictObject({
  kind: z.literal("image"),
  /** An image reference, ideally pinned by digest. */
  image: z.string().regex(/^[A-Za-z0-9][^\s]*$/, { error: "must be an image reference" }),
  /** Replaces the image's entrypoint: `command[0]` is the entrypoint, the rest precede `args`. */
  command: z.array(z.string()).min(1).optional(),
});

/** One port of a replica: `port` on the host (`containerPort` inside a container); `name` also names its `PORT_<NAME>` variable. */
export const portMappingSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/, { error: "must be letters, digits and '-'" }).optional(),
  port,
  containerPort: port.optional(),
});
export type PortMapping = z.infer<typeof portMappingSchema>;

export const replicaSpecSchema = z.strictObject({
  app: z.string().regex(RUNTIME_NAME_PATTERN, { error: "must be a DNS-label-like name" }),
  service: z.string().regex(RUNTIME_NAME_PATTERN, { error: "must be a DNS-label-like name" }),
  version: z.string().regex(VERSION_PATTERN, { error: "must be [A-Za-z0-9][A-Za-z0-9_.-]{0,127}" }),
  index: z.number().int().min(0),
  /** The host port the replica listens on: `PORT` for processes, the published port for containers. */
  port: port.optional(),
  /** Containers only: the port inside the container that `port` maps to (default `port`). */
  containerPort: port.optional(),
  /**
   * Every port of the replica, in order (instead of `port` and `containerPort`, which name one): the first
   * is `PORT`; each is also `PORT_<index>` and, when named, `PORT_<NAME>`; each is published for a container.
   */
  ports: z.array(portMappingSchema).optional(),
  source: z.discriminatedUnion("kind", [artifactSourceSchema, imageSourceSchema]),
  args: z.array(z.string()).default([]),
  env: z.record(z.string().regex(ENV_NAME_PATTERN, { error: "must be an environment variable name" }), z.string()).default({}),
  stopSignal: signalSchema.default("SIGTERM"),
  /** After the stop signal, how long before SIGKILL. */
  gracePeriodMs: z.number().int().min(0).default(10_000),
}).refine((spec) => spec.ports === undefined || (spec.port === undefined && spec.containerPort === undefined), {
  error: "set ports, or port (with containerPort), not both", path: ["ports"],
});
export type ReplicaSpec = z.infer<typeof replicaSpecSchema>;
/** What callers pass to `start`: `stopSignal` defaults to SIGTERM, `gracePeriodMs` to 10 s, args and env to none. */
export type ReplicaSpecInput = z.input<typeof replicaSpecSchema>;

/**
 * What a replica actually runs, as its runtime observes it: the settings a drift check compares with
 * what it should run. A field is absent when the runtime cannot observe it. For a container, `env` holds
 * every variable it has (the image's too); for a process, the ones it was given (`envComplete`).
 */
export const replicaSettingsSchema = z.object({
  dir: z.string().optional(),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  /** `env` is exactly what the replica was given (a process): a variable it has and should not is drift too. */
  envComplete: z.boolean().optional(),
});
export type ReplicaSettings = z.infer<typeof replicaSettingsSchema>;

export const replicaSchema = z.object({
  /** Stable and unique: `<app>.<service>.<version>.<index>.<nonce>`. */
  id: z.string(),
  app: z.string(),
  service: z.string(),
  version: z.string(),
  index: z.number().int(),
  /** The first host port (a record from before `ports` has only this). */
  port: port.optional(),
  /** Every host port, in the order of the spec's ports. */
  ports: z.array(port).optional(),
  state: z.enum(["running", "exited"]),
  pid: z.number().int().optional(),
  containerId: z.string().optional(),
  /** ISO time. */
  startedAt: z.string(),
  /** Null when unknown (a replica adopted from a previous agent) or when a signal ended it. */
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  exitedAt: z.string().optional(),
  settings: replicaSettingsSchema.optional(),
});
export type Replica = z.infer<typeof replicaSchema>;

/** The spec's ports, whichever way it gives them. */
export function specPorts(spec: Pick<ReplicaSpec, "port" | "containerPort" | "ports">): PortMapping[] {
  if (spec.ports !== undefined) return spec.ports;
  if (spec.port === undefined) return [];
  return [{ port: spec.port, ...(spec.containerPort === undefined ? {} : { containerPort: spec.containerPort }) }];
}

/** A replica's host ports in order; a replica recorded with a single `port` has that one. */
export function replicaPorts(replica: Pick<Replica, "port" | "ports">): number[] {
  if (replica.ports !== undefined && replica.ports.length > 0) return replica.ports;
  return replica.port === undefined ? [] : [replica.port];
}

/** The variables that tell a replica its ports: `PORT` (the first), `PORT_<index>`, and `PORT_<NAME>` for a named one. */
export function portVariables(ports: ReadonlyArray<{ name?: string | undefined; port: number }>): Record<string, string> {
  const env: Record<string, string> = {};
  ports.forEach((p, index) => {
    if (index === 0) env.PORT = String(p.port);
    env[`PORT_${index}`] = String(p.port);
    if (p.name !== undefined) env[`PORT_${p.name.toUpperCase().replace(/-/g, "_")}`] = String(p.port);
  });
  return env;
}
