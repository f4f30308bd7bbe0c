import { createHash } from "node:crypto";
import type { Service } from "../resources/index.js";
import { canonicalJson } from "./canonical-json.js";

/** Bumped when the hashed fields change meaning, so old and new versions never collide. */
const SCHEME = 1;

/**
 * A short, stable hash of what a replica is made from: the artifact (its resolved digest when
 * given, so a tag moved to new content is a new version) or image, command, args, env, ports,
 * stopSignal and restartPolicy. Replicas running an older version must be replaced. Replica
 * count, health check, dependsOn, gracePeriod and metadata are left out: changing them never
 * needs new replicas. Key order does not matter.
 */
export function serviceVersion(service: Service, resolvedArtifactDigest?: string): string {
  const { spec } = service;
  const identity = {
    scheme: SCHEME,
    artifact: spec.artifact === undefined ? undefined : (resolvedArtifactDigest ?? spec.artifact),
    image: spec.image,
    command: spec.command,
    args: spec.args,
    env: spec.env,
    ports: spec.ports,
    stopSignal: spec.stopSignal,
    restartPolicy: spec.restartPolicy,
  };
  return createHash("sha256").update(canonicalJson(identity)).digest("hex").slice(0, 12);
}
