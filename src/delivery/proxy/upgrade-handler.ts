import { request, type ClientRequest, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { BackendLease } from "./backend-pool.js";
import { closeAfterFlush } from "./close-after-flush.js";
import { errorCode, isConnectError } from "./connect-errors.js";
import { endToEndHeaders, forwardedRequestHeaders } from "./forwarded-headers.js";
import { followAbort } from "./follow-abort.js";
import type { ProxyContext } from "./proxy-context.js";

type Attempt = { kind: "done" } | { kind: "retry"; error: unknown };

function rawResponseHead(status: number, message: string, rawHeaders: readonly string[]): string {
  const lines = [`HTTP/1.1 ${status} ${message}`];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Handles `Upgrade` requests (websockets and the like): asks a backend to switch protocols, then pipes
 * the two sockets together until either side closes. The connection counts as in flight on its
 * backend for its whole life, so `drain` waits for it.
 */
export function createUpgradeHandler(context: ProxyContext) {
  const { settings, pool, counters, logger } = context;

  const refuse = (socket: Duplex, status: 502 | 503, message: string): void => {
    counters.failures += 1;
    const body = `ferry proxy: ${message}\n`;
    const reason = status === 503 ? "Service Unavailable" : "Bad Gateway";
    socket.end(
      rawResponseHead(status, reason, ["content-type", "text/plain; charset=utf-8", "content-length", String(Buffer.byteLength(body)), "connection", "close"]) + body,
    );
  };

  const attempt = (lease: BackendLease, req: IncomingMessage, client: Duplex, head: Buffer): Promise<Attempt> =>
    new Promise((resolve) => {
      let settled = false;
      let answered = false;
      const finish = (outcome: Attempt): void => {
        if (settled) return;
        settled = true;
        lease.release();
        resolve(outcome);
      };
      let proxyReq: ClientRequest;
      try {
        proxyReq = request({
          host: lease.backend.host,
          port: lease.backend.port,
          method: req.method,
          path: req.url,
          headers: forwardedRequestHeaders(req, { upgrade: true }),
          agent: false,
        });
      } catch (error) {
        refuse(client, 502, `the request cannot be forwarded: ${errorCode(error) ?? "invalid request"}`);
        finish({ kind: "done" });
        return;
      }
      const onClientClose = (): void => {
        proxyReq.destroy();
        finish({ kind: "done" });
      };
      client.once("close", onClientClose);

      proxyReq.once("upgrade", (proxyRes, backend, backendHead) => {
        answered = true;
        client.off("close", onClientClose);
        client.write(rawResponseHead(proxyRes.statusCode ?? 101, proxyRes.statusMessage ?? "Switching Protocols", proxyRes.rawHeaders));
        if (backendHead.length > 0) client.write(backendHead);
        if (head.length > 0) backend.write(head);
        const broke = (): void => {
          client.destroy();
          backend.destroy();
        };
        backend.on("error", broke);
        client.on("error", broke);
        let open = 2;
        const closed = (peer: Duplex) => (): void => {
          closeAfterFlush(peer);
          open -= 1;
          if (open === 0) finish({ kind: "done" });
        };
        backend.once("close", closed(client));
        client.once("close", closed(backend));
        backend.pipe(client);
        client.pipe(backend);
      });
      // The backend declined to switch: relay its answer and close.
      proxyReq.once("response", (proxyRes) => {
        answered = true;
        const headers = endToEndHeaders(proxyRes.headers);
        delete headers["content-length"];
        const raw: string[] = ["connection", "close"];
        for (const [name, value] of Object.entries(headers)) {
          for (const one of Array.isArray(value) ? value : [String(value)]) raw.push(name, one);
        }
        client.write(rawResponseHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage ?? "", raw));
        proxyRes.pipe(client);
        proxyRes.once("end", () => finish({ kind: "done" }));
      });
      proxyReq.on("error", (error) => {
        if (answered || settled) return;
        client.off("close", onClientClose);
        if (isConnectError(error)) {
          finish({ kind: "retry", error });
          return;
        }
        lease.fail();
        refuse(client, 502, `the backend failed: ${errorCode(error) ?? "error"}`);
        finish({ kind: "done" });
      });
      proxyReq.end();
    });

  return async (req: IncomingMessage, client: Duplex, head: Buffer): Promise<void> => {
    counters.requests += 1;
    const end = context.activity.begin();
    client.once("close", end);
    client.on("error", () => client.destroy());
    const gone = new AbortController();
    const waiting = new AbortController();
    const unlink = followAbort(waiting, context.closing);
    client.once("close", () => {
      unlink();
      gone.abort();
      waiting.abort();
    });
    const waitSignal = waiting.signal;
    const tried = new Set<string>();
    const deadline = Date.now() + settings.backendWaitMs;
    let lastError: unknown;
    for (;;) {
      const lease = await pool.next({ tried, deadline, signal: waitSignal });
      if (gone.signal.aborted) {
        lease?.release();
        return;
      }
      if (lease === undefined) {
        if (pool.size() === 0) refuse(client, 503, `no healthy backend for this service (waited ${settings.backendWaitMs} ms)`);
        else refuse(client, 502, `no backend of this service could be reached (${errorCode(lastError) ?? "unknown error"})`);
        return;
      }
      const outcome = await attempt(lease, req, client, head);
      if (outcome.kind === "done") return;
      lastError = outcome.error;
      lease.fail();
      logger?.debug({ backend: lease.backend.id, error: errorCode(outcome.error) }, "backend unreachable for an upgrade; trying another");
    }
  };
}
