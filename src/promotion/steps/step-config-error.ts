/** A step's config is invalid (bad expression, schema violation, unknown step): terminal, never retried. */
export class StepConfigError extends Error {
  readonly code = "step-config";
  readonly terminal = true;
  /** Where in the config the (first) problem is, e.g. `updates[0].key`; empty for the whole config. */
  readonly path: string;

  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StepConfigError";
    this.path = options.path ?? "";
  }
}
