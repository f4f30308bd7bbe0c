import { randomBytes } from "node:crypto";
import type { ReplicaSpec } from "./schema.js";

/** A short random suffix that tells apart two starts of the same replica slot. */
export const newNonce = (): string => randomBytes(4).toString("hex");

/** `<app>.<service>.<version>.<index>.<nonce>`: readable, unique, safe as a file name. */
export const replicaId = (spec: Pick<ReplicaSpec, "app" | "service" | "version" | "index">, nonce: string): string =>
  `${spec.app}.${spec.service}.${spec.version}.${spec.index}.${nonce}`;

/** Whether `id` can be a replica id (so it is safe to use in a path or a filter). */
export const isReplicaId = (id: string): boolean => /^[a-z0-9-]+\.[a-z0-9-]+\.[A-Za-z0-9_.-]+\.\d+\.[0-9a-f]+$/.test(id) && !id.includes("..");
