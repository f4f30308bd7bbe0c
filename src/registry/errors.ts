/** The error codes of the OCI Distribution Specification v1.1 ("code-1" … "code-14"). */
export const registryErrorCodes = [
  "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN",
  "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED",
  "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
] as const;
export type RegistryErrorCode = (typeof registryErrorCodes)[number];

export type RegistryErrorEntry = { code: RegistryErrorCode; message: string; detail?: unknown };

/** The status each code gets unless the thrower says otherwise. */
const defaultStatus: Record<RegistryErrorCode, number> = {
  BLOB_UNKNOWN: 404, BLOB_UPLOAD_INVALID: 400, BLOB_UPLOAD_UNKNOWN: 404, DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400, MANIFEST_INVALID: 400, MANIFEST_UNKNOWN: 404, NAME_INVALID: 400, NAME_UNKNOWN: 404,
  SIZE_INVALID: 400, UNAUTHORIZED: 401, DENIED: 403, UNSUPPORTED: 400, TOOMANYREQUESTS: 429,
};

/**
 * A failure the client can act on, in the spec's shape: one or more `{ code, message, detail }` entries,
 * an HTTP status and any headers the response must carry (a `Range` with a 416, a challenge with a 401).
 */
export class RegistryError extends Error {
  readonly status: number;
  readonly errors: readonly RegistryErrorEntry[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: RegistryErrorCode, message: string, opts: { status?: number; detail?: unknown; headers?: Record<string, string>; more?: RegistryErrorEntry[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "RegistryError";
    this.status = opts.status ?? defaultStatus[code];
    this.errors = [{ code, message, ...(opts.detail === undefined ? {} : { detail: opts.detail }) }, ...(opts.more ?? [])];
    this.headers = opts.headers ?? {};
  }

  get code(): RegistryErrorCode {
    return this.errors[0]?.code ?? "UNSUPPORTED";
  }
}

export const isRegistryError = (error: unknown): error is RegistryError => error instanceof RegistryError;

/** Whether `error` is a Node file-system error with this `code` (ENOENT, EEXIST, …). */
export function hasErrnoCode(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
