/**
 * Codes the client raises itself, next to the registry's own (BLOB_UNKNOWN, MANIFEST_UNKNOWN, DENIED, …):
 * - UNREACHABLE: no HTTP answer at all (refused, reset, DNS);
 * - INTERRUPTED: a body stopped half-way (the registry cuts a download whose stored bytes are corrupt);
 * - DIGEST_MISMATCH / SIZE_MISMATCH: content that does not match what was asked for;
 * - PROTOCOL: an answer the spec does not allow (no Location after a POST, a manifest over the limit).
 */
export const clientErrorCodes = ["UNREACHABLE", "INTERRUPTED", "DIGEST_MISMATCH", "SIZE_MISMATCH", "PROTOCOL"] as const;
export type ClientErrorCode = (typeof clientErrorCodes)[number];

/** One entry of the spec's error body, `{"errors":[{"code","message","detail"}]}`. */
export type RegistryErrorBody = { code: string; message: string; detail?: unknown };

/**
 * A failed registry call: `code` is the registry's first error code (or a {@link ClientErrorCode}), `status`
 * the HTTP status (0 without a response), `errors` every entry the registry sent. The message says what was
 * being done and what the registry said.
 */
export class RegistryClientError extends Error {
  readonly code: string;
  readonly status: number;
  readonly errors: readonly RegistryErrorBody[];

  constructor(code: string, message: string, opts: { status?: number; errors?: readonly RegistryErrorBody[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "RegistryClientError";
    this.code = code;
    this.status = opts.status ?? 0;
    this.errors = opts.errors ?? [{ code, message }];
  }

  /** Whether the same call may succeed later: no answer, a cut body, rate limiting or a server error. */
  get retryable(): boolean {
    return this.code === "UNREACHABLE" || this.code === "INTERRUPTED" || this.status === 429 || this.status >= 500;
  }

  /** Whether the registry said the thing asked for does not exist. */
  get notFound(): boolean {
    return this.status === 404;
  }
}

function isErrorEntry(value: unknown): value is RegistryErrorBody {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "string";
}

/** The error a non-2xx response stands for, from the spec's error body when there is one. */
export async function errorFromResponse(res: { status: number; statusText: string; text(): Promise<string> }, doing: string): Promise<RegistryClientError> {
  const text = await res.text().catch(() => "");
  let entries: RegistryErrorBody[] = [];
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    if (Array.isArray(body.errors)) {
      entries = body.errors.filter(isErrorEntry).map((e) => ({ code: e.code, message: typeof e.message === "string" ? e.message : "", ...(e.detail === undefined ? {} : { detail: e.detail }) }));
    }
  } catch {
    // not the spec's JSON: fall back to the status line
  }
  const first = entries[0];
  const code = first?.code ?? `HTTP_${res.status}`;
  const said = first === undefined ? `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}` : `${first.message || first.code} (${first.code}, HTTP ${res.status})`;
  const more = entries.length > 1 ? `; and ${entries.length - 1} more: ${entries.slice(1).map((e) => e.message || e.code).join("; ")}` : "";
  return new RegistryClientError(code, `${doing}: ${said}${more}`, { status: res.status, ...(entries.length > 0 ? { errors: entries } : {}) });
}

/** The error for a request that got no answer (connection refused, reset, name not found). */
export function unreachable(url: string, doing: string, cause: unknown): RegistryClientError {
  const c = cause as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof c.code === "string" ? c.code : c.cause?.code;
  const reason = typeof code === "string" ? code : cause instanceof Error ? cause.message : String(cause);
  return new RegistryClientError("UNREACHABLE", `${doing}: cannot reach the registry at ${url} (${reason})`, { cause });
}
