/**
 * A forge refused a commit status or could not be reached. `retryable` is true for network failures,
 * timeouts, 408, 429 and 5xx; otherwise the request itself is wrong (bad token, unknown repository or commit)
 * and repeating it will not help. The message never contains the token.
 */
export class CommitStatusError extends Error {
  readonly code = "commit-status";
  readonly retryable: boolean;

  constructor(
    readonly forge: "github" | "gitea",
    /** HTTP status of the forge's answer; undefined when there was no answer. */
    readonly status: number | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CommitStatusError";
    this.retryable = status === undefined || status === 408 || status === 429 || status >= 500;
  }
}
