/** A short operator-facing description of a failed connection ("connection refused", …). */
export function describeSocketError(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "ETIMEDOUT":
      return "connection timed out";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ABORT_ERR":
      return "aborted";
    default:
      if (typeof code === "string") return code;
      return error instanceof Error ? error.message : String(error);
  }
}
