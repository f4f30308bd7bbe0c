import type { IncomingMessage } from "node:http";

/**
 * An HTTP answer as the client reads it: the part of fetch's Response it uses, so that answers from
 * node:http and from a caller's own `fetch` are handled alike.
 */
export type Answer = {
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  /** The body; `cancel` gives up on the rest of it (closing the connection when some is left). */
  readonly body: (AsyncIterable<Uint8Array> & { cancel(): Promise<void> }) | null;
  /** The whole body as UTF-8. */
  text(): Promise<string>;
};

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** An answer over a node:http response to `method`. An empty body (HEAD, 204, Content-Length: 0) is read at once. */
export function answerFromIncoming(res: IncomingMessage, method: string): Answer {
  const status = res.statusCode ?? 0;
  if (res.headers["content-length"] === "0" || status === 204 || status === 304 || method === "HEAD") res.resume();
  return {
    status,
    ok: status >= 200 && status < 300,
    statusText: res.statusMessage ?? "",
    headers: {
      get(name) {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    body: {
      [Symbol.asyncIterator]: () => res[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>,
      cancel: () => {
        if (!res.complete) res.destroy();
        else res.resume();
        return Promise.resolve();
      },
    },
    text: async () => (await readAll(res)).toString("utf8"),
  };
}

/** An answer over a fetch Response (from a `fetch` the caller passed in). */
export function answerFromFetch(res: Response): Answer {
  const body = res.body;
  return {
    status: res.status,
    ok: res.ok,
    statusText: res.statusText,
    headers: res.headers,
    body: body === null ? null : {
      [Symbol.asyncIterator]: () => (body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator](),
      cancel: () => body.cancel(),
    },
    text: () => res.text(),
  };
}
