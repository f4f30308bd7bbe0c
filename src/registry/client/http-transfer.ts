import { Agent as HttpAgent, request as httpRequest } from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/** Redirects a blob download follows (registries send blobs from storage or a CDN) before giving up. */
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A connection that moves no byte for this long is given up (as fetch does by default). */
const IDLE_TIMEOUT_MS = 300_000;

export type TransferBody = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * Requests over `node:http(s)` with keep-alive. fetch (undici) costs more CPU per byte for large streamed
 * bodies (web streams, a promise per chunk), and a process that has used it collects garbage far more often
 * while moving large blobs afterwards (measured: about 40 full collections per GiB pulled instead of 1), so
 * the client does not use it unless the caller passes its own.
 */
export type HttpTransfer = {
  /**
   * Sends one request and resolves once the response's headers arrive. A streamed body is written with
   * backpressure; when reading it fails, the request is aborted and that failure is the rejection.
   */
  send(url: URL, method: string, headers: OutgoingHttpHeaders, body?: TransferBody): Promise<IncomingMessage>;
  /** A GET or HEAD that follows redirects; credentials are only sent to the origin of `url`. */
  follow(url: URL, method: "GET" | "HEAD", headers: OutgoingHttpHeaders): Promise<IncomingMessage>;
};

/** Resolves on the request's `drain`, or when it is gone (its error or response settles the request). */
const drained = (req: ReturnType<typeof httpRequest>): Promise<void> => new Promise((resolve) => {
  const done = (): void => {
    req.off("drain", done);
    req.off("close", done);
    resolve();
  };
  req.on("drain", done);
  req.on("close", done);
});

async function pump(req: ReturnType<typeof httpRequest>, body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) {
    if (req.destroyed) return;
    if (!req.write(chunk)) await drained(req);
  }
  req.end();
}

/** Closes a body the request will not read to the end (the request failed or was answered early). */
function close(body: AsyncIterable<Uint8Array>): void {
  const destroy = (body as { destroy?: unknown }).destroy;
  if (typeof destroy === "function") (destroy as () => void).call(body);
}

export function createHttpTransfer(): HttpTransfer {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  function send(url: URL, method: string, headers: OutgoingHttpHeaders, body?: TransferBody): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const secure = url.protocol === "https:";
      const options = { method, headers, agent: secure ? agents.https : agents.http, timeout: IDLE_TIMEOUT_MS };
      const req = secure ? httpsRequest(url, options) : httpRequest(url, options);
      req.once("response", resolve);
      req.on("timeout", () => req.destroy(new Error(`no data moved for ${IDLE_TIMEOUT_MS / 1000} s`)));
      // Every error is handled (a second one after the first would otherwise crash the process).
      req.on("error", reject);
      if (body === undefined) req.end();
      else if (body instanceof Uint8Array) req.end(body);
      else {
        // A failing body destroys the request with its error, which is then the rejection.
        pump(req, body).catch((error: unknown) => {
          req.destroy(error instanceof Error ? error : new Error(String(error)));
        }).finally(() => {
          if (!req.writableFinished) close(body);
        });
      }
    });
  }

  return {
    send,

    async follow(url, method, headers) {
      let target = url;
      for (let hop = 0; ; hop++) {
        const sameOrigin = target.origin === url.origin;
        const { authorization: _auth, ...anonymous } = headers;
        const res = await send(target, method, sameOrigin ? headers : anonymous);
        const location = res.headers.location;
        if (!REDIRECTS.has(res.statusCode ?? 0) || location === undefined || hop >= MAX_REDIRECTS) return res;
        res.resume();
        target = new URL(location, target);
      }
    },
  };
}
