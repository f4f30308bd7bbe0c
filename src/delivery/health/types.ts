/** Where a probe looks: the replica's host and, for network probes, its port. */
export type ProbeTarget = { host: string; port?: number };

/** One probe's verdict; `message` is for operators ("HTTP 503", "connection refused", "exit 1: …"). */
export type ProbeResult = { ok: boolean; message: string };

/**
 * One health check. It must settle promptly once `signal` aborts (the prober aborts it on timeout or
 * stop), and it reports failures as `{ ok: false }` rather than by rejecting.
 */
export type Probe = (target: ProbeTarget, signal: AbortSignal) => Promise<ProbeResult>;

/** A replica's health, in the delivery vocabulary. */
export type HealthState = "Progressing" | "Healthy" | "Degraded";

/** A transition reported to `onChange`. */
export type HealthChange = { state: HealthState; previous: HealthState; message: string };

/** Runs a probe over time and turns its results into a health state. */
export type Prober = {
  readonly state: HealthState;
  /** The last probe's message (or why there is none yet). */
  readonly lastMessage: string;
  /** Resolves once the state is `state` (at once if it already is); rejects when `signal` aborts or the prober stops first. */
  waitFor(state: HealthState, signal?: AbortSignal): Promise<void>;
  /** Stops probing, aborts a running probe and rejects pending `waitFor` calls. Idempotent. */
  stop(): void;
};
