/**
 * Thrown inside a step for an expected failure (bad remote state, missing file, rejected push):
 * the step ends `Failed` with this message. Anything else thrown ends it `Errored`.
 */
export class StepFailedError extends Error {
  readonly code = "step-failed";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StepFailedError";
  }
}
