import { RuntimeError } from "./runtime-error.js";
import { replicaSpecSchema } from "./schema.js";
import type { ReplicaSpec, ReplicaSpecInput } from "./schema.js";

/** Validates a replica spec, naming every problem at once; fills in the defaults. */
export function parseReplicaSpec(input: ReplicaSpecInput): ReplicaSpec {
  const parsed = replicaSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(spec)"}: ${i.message}`);
  throw new RuntimeError("INVALID_SPEC", `invalid replica spec: ${problems.join("; ")}`, { cause: parsed.error });
}
