import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { specPorts } from "../schema.js";
import type { ReplicaSpec } from "../schema.js";

export const LABELS = {
  managed: "ferry.managed",
  replica: "ferry.replica",
  app: "ferry.app",
  service: "ferry.service",
  version: "ferry.version",
  index: "ferry.index",
  port: "ferry.port",
  ports: "ferry.ports",
} as const;

/** Containers of one runtime (one state directory) carry `ferry.managed=<this>`: runtimes on other state directories never see them. */
export const managedValue = (stateDir: string): string => createHash("sha256").update(resolve(stateDir)).digest("hex").slice(0, 16);

/** Every label a replica's container carries: who manages it and the replica it is. */
export function replicaLabels(managed: string, id: string, spec: ReplicaSpec): Record<string, string> {
  const ports = specPorts(spec).map((p) => p.port);
  return {
    [LABELS.managed]: managed,
    [LABELS.replica]: id,
    [LABELS.app]: spec.app,
    [LABELS.service]: spec.service,
    [LABELS.version]: spec.version,
    [LABELS.index]: String(spec.index),
    ...(ports[0] === undefined ? {} : { [LABELS.port]: String(ports[0]), [LABELS.ports]: ports.join(",") }),
  };
}

export const containerName = (spec: Pick<ReplicaSpec, "app" | "service" | "index">, nonce: string): string =>
  `ferry-${spec.app}-${spec.service}-${spec.index}-${nonce}`;
