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

export const replicaSpecSchema = z.strictObject({
  app: z.string().regex(RUNTIME_NAME_PATTERN, { error: "must be a DNS-label-like name" }),
  service: z.string().regex(RUNTIME_NAME_PATTERN, { error: "must be a DNS-label-like name" }),
  version: z.string().regex(VERSION_PATTERN, { error: "must be [A-Za-z0-9][A-Za-z0-9_.-]{0,127}" }),
  index: z.number().int().min(0),
  /** The host port the replica listens on: `PORT` for processes, the published port for containers. */
  port: port.optional(),
  /** Containers only: the port inside the container that `port` maps to (default `port`). */
  containerPort: port.optional(),
  source: z.discriminatedUnion("kind", [artifactSourceSchema, imageSourceSchema]),
  args: z.array(z.string()).default([]),
  env: z.record(z.string().regex(ENV_NAME_PATTERN, { error: "must be an environment variable name" }), z.string()).default({}),
  stopSignal: signalSchema.default("SIGTERM"),
  /** After the stop signal, how long before SIGKILL. */
  gracePeriodMs: z.number().int().min(0).default(10_000),
});
export type ReplicaSpec = z.infer<typeof replicaSpecSchema>;
/** What callers pass to `start`: `stopSignal` defaults to SIGTERM, `gracePeriodMs` to 10 s, args and env to none. */
export type ReplicaSpecInput = z.input<typeof replicaSpecSchema>;

export const replicaSchema = z.object({
  /** Stable and unique: `<app>.<service>.<version>.<index>.<nonce>`. */
  id: z.string(),
  app: z.string(),
  service: z.string(),
  version: z.string(),
  index: z.number().int(),
  port: port.optional(),
  state: z.enum(["running", "exited"]),
  pid: z.number().int().optional(),
  containerId: z.string().optional(),
  /** ISO time. */
  startedAt: z.string(),
  /** Null when unknown (a replica adopted from a previous agent) or when a signal ended it. */
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().nullable().optional(),
  exitedAt: z.string().optional(),
});
export type Replica = z.infer<typeof replicaSchema>;
