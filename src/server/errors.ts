/** Errors that say what the caller must do; one function maps them to HTTP. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (message: string, details?: unknown): HttpError => new HttpError(400, "input", message, details);
export const unauthorized = (message = "a valid token is required (Authorization: Bearer <token>)"): HttpError => new HttpError(401, "unauthorized", message);
export const forbidden = (message: string): HttpError => new HttpError(403, "forbidden", message);
export const notFound = (message: string): HttpError => new HttpError(404, "not-found", message);
export const conflict = (message: string): HttpError => new HttpError(409, "conflict", message);

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** The status code and body for any error; unknown errors become 500 without internals. */
export function toHttp(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } } };
  }
  const e = error as { statusCode?: number; code?: string; message?: string; validation?: unknown };
  if (typeof e.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: { code: e.code ?? "input", message: e.message ?? "bad request" } } };
  }
  const code = (error as { code?: unknown }).code;
  if (code === "lease-lost") return { status: 409, body: { error: { code: "lease-lost", message: (error as Error).message } } };
  if (code === "input") return { status: 400, body: { error: { code: "input", message: (error as Error).message, details: (error as { problems?: unknown }).problems } } };
  return { status: 500, body: { error: { code: "internal", message: "internal error" } } };
}
