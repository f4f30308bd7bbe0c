import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../workflow/index.js";

export type ClientOptions = { server?: string; token?: string; dataDir?: string };

/** An API error shown to the user as the server worded it. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = "ApiError";
  }
}

export type ApiClient = {
  url: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  stream(path: string, onEvent: (data: string) => void): Promise<void>;
};

/** The server and token: flags, then FERRY_SERVER / FERRY_TOKEN, then the local data directory's admin token. */
export function resolveServer(o: ClientOptions): { url: string; token: string } {
  const url = (o.server ?? process.env.FERRY_SERVER ?? "http://127.0.0.1:8420").replace(/\/+$/, "");
  let token = o.token ?? process.env.FERRY_TOKEN;
  if (!token) {
    const file = join(resolve(o.dataDir ?? process.env.FERRY_DATA_DIR ?? ".ferry"), "admin.token");
    if (existsSync(file)) token = readFileSync(file, "utf8").trim();
  }
  if (!token) throw new InputError([{ file: "--token", message: "no token: pass --token, set FERRY_TOKEN, or run where ferry up keeps its data (.ferry/admin.token)" }]);
  return { url, token };
}

export function createApiClient(o: ClientOptions): ApiClient {
  const { url, token } = resolveServer(o);
  const headers = { authorization: `Bearer ${token}` };
  const fail = async (res: Response): Promise<never> => {
    const body = await res.json().catch(() => ({})) as { error?: { code?: string; message?: string; details?: unknown } };
    throw new ApiError(res.status, body.error?.code ?? "http", body.error?.message ?? `HTTP ${res.status}`, body.error?.details);
  };
  return {
    url,
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${url}${path}`, {
          method, headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error: unknown) {
        throw new ApiError(0, "unreachable", `cannot reach the Ferry server at ${url} (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); is it running (ferry up)?`);
      }
      if (!res.ok) return fail(res);
      return res.json() as Promise<T>;
    },
    async stream(path, onEvent) {
      const res = await fetch(`${url}${path}`, { headers: { ...headers, accept: "text/event-stream" } });
      if (!res.ok || !res.body) return fail(res);
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (/^event: end$/m.test(block)) return;
          const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (data) onEvent(data);
        }
      }
    },
  };
}
