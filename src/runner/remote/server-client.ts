/** A small JSON client for the server's API with a bearer token. */
export class ServerError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ServerError";
  }
}

export type ServerClient = { post<T>(path: string, body: unknown, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<T> };

export function createServerClient(baseUrl: string, token: string): ServerClient {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    async post<T>(path: string, body: unknown, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
      const signals = [AbortSignal.timeout(opts.timeoutMs ?? 30_000), ...(opts.signal ? [opts.signal] : [])];
      const res = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
      const text = await res.text();
      const json = text ? JSON.parse(text) as unknown : {};
      if (!res.ok) {
        const err = (json as { error?: { code?: string; message?: string } }).error;
        throw new ServerError(res.status, err?.code ?? "http", err?.message ?? `HTTP ${res.status}`);
      }
      return json as T;
    },
  };
}
