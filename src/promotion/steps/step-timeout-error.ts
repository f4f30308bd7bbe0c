/** A step ran longer than its timeout. */
export class StepTimeoutError extends Error {
  readonly code = "step-timeout";
  readonly timeout: string;

  constructor(timeout: string) {
    super(`timed out after ${timeout}`);
    this.name = "StepTimeoutError";
    this.timeout = timeout;
  }
}
