import type { Replica, ReplicaSpecInput } from "./schema.js";

export type { Replica, ReplicaSpec, ReplicaSpecInput } from "./schema.js";

/** What a runtime can run; shared code asks this, never which runtime it holds. */
export type RuntimeCapabilities = {
  /** Runs `{ kind: "artifact" }` sources: unpacked releases as OS processes. */
  readonly artifacts: boolean;
  /** Runs `{ kind: "image" }` sources: OCI images as containers. */
  readonly images: boolean;
};

export type LogOptions = {
  /** Keep reading new lines until the replica has exited (and its output is read) or `signal` aborts. */
  follow?: boolean;
  /** Only the last N lines written so far (then new ones when following). */
  tailLines?: number;
  signal?: AbortSignal;
};

export type ExitListener = (replica: Replica) => void;

/**
 * A runtime driver: starts, stops, lists and reads the logs of single replicas. It is deliberately thin;
 * rollouts, health, traffic, restart backoff and self-heal are the delivery layer's, on top of this.
 */
export type Runtime = {
  readonly id: "process" | "podman";
  readonly capabilities: RuntimeCapabilities;
  /** Starts one replica; resolves once it runs (not once it is ready: health is the caller's). */
  start(spec: ReplicaSpecInput): Promise<Replica>;
  /** The stop signal, then SIGKILL after the grace period; resolves when it is gone. Idempotent; unknown ids are fine. */
  stop(replicaId: string): Promise<void>;
  /** Every replica of this runtime's state: running ones (also those a previous agent process started) and exited ones not yet forgotten. */
  list(): Promise<Replica[]>;
  /** Drops an exited replica's record (its logs go after a retention); refuses a running one. */
  forget(replicaId: string): Promise<void>;
  /** The replica's output (stdout and stderr interleaved), line by line. */
  logs(replicaId: string, opts?: LogOptions): AsyncIterable<string>;
  /** Called promptly once per replica that exits, adopted ones included. Returns the unsubscribe. */
  onExit(listener: ExitListener): () => void;
  /** Stops watching and frees resources; LEAVES replicas running for the next agent process to adopt. */
  close(): Promise<void>;
};
