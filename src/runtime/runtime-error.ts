/**
 * Why a runtime call failed:
 * - INVALID_SPEC: the replica spec is malformed (input);
 * - UNSUPPORTED_SOURCE: this runtime cannot run that kind of source (see `capabilities`);
 * - START_FAILED: the program or image could not be started (missing, not executable, port taken...);
 * - NOT_FOUND: no replica with that id (or it was forgotten);
 * - STILL_RUNNING: the replica must be stopped first;
 * - STOP_FAILED: the replica was still there after SIGKILL and a wait (a process stuck in the kernel);
 * - ENGINE_FAILED: the container engine failed to answer;
 * - CLOSED: the runtime was closed;
 * - RELEASE_FAILED: a release could not be pulled, verified or unpacked.
 */
export const runtimeErrorCodes = [
  "INVALID_SPEC", "UNSUPPORTED_SOURCE", "START_FAILED", "NOT_FOUND", "STILL_RUNNING", "STOP_FAILED", "ENGINE_FAILED", "CLOSED", "RELEASE_FAILED",
] as const;
export type RuntimeErrorCode = (typeof runtimeErrorCodes)[number];

export class RuntimeError extends Error {
  constructor(readonly code: RuntimeErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "RuntimeError";
  }

  /** Whether the caller's input is at fault rather than the host or the workload. */
  get isInput(): boolean {
    return this.code === "INVALID_SPEC" || this.code === "UNSUPPORTED_SOURCE";
  }
}
