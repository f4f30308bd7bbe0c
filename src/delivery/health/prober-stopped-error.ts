import type { HealthState } from "./types.js";

/** `waitFor` could not be satisfied because the prober was stopped first. */
export class ProberStoppedError extends Error {
  readonly code = "prober-stopped";
  readonly wanted: HealthState;
  readonly state: HealthState;

  constructor(wanted: HealthState, state: HealthState) {
    super(`the prober stopped while ${state}, before becoming ${wanted}`);
    this.name = "ProberStoppedError";
    this.wanted = wanted;
    this.state = state;
  }
}
