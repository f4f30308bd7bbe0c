import { request, type Agent, type ClientRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import type { BackendLease } from "./backend-pool.js";
import { createBodyForwarder, type BodyForwarder } from "./body-forwarder.js";
import { errorCode, isConnectError } from "./connect-errors.js";
import { followAbort } from "./follow-abort.js";
import { endToEndHeaders, forwardedRequestHeaders } from "./forwarded-headers.js";
import type { ProxyContext } from "./proxy-context.js";

const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

type AgentFor = (key: string) => Agent;
type Attempt = { kind: "done" } | { kind: "retry"; error: unknown };

/**
 * Routes each HTTP request to a backend, round-robin. Waits up to `backendWaitMs` while there is no
 * backend; retries on another backend when one cannot be reached and the request can be sent again
 * (its body unread, or idempotent with the body kept); streams bodies both ways.
 */
export function createHttpRequestHandler(context: ProxyContext, agentFor: AgentFor) {
  const { settings, pool, counters, logger } = context;

  const fail = (res: ServerResponse, status: 502 | 503, message: string): void => {
    counters.failures += 1;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, {
      "content-type": "text/plain; charset=utf-8",
      ...(status === 503 ? { "retry-after": "1" } : {}),
      ...(context.closing.aborted ? { connection: "close" } : {}),
    });
    res.end(`ferry proxy: ${message}\n`);
  };

  const attempt = (lease: BackendLease, req: IncomingMessage, res: ServerResponse, body: BodyForwarder, gone: AbortSignal): Promise<Attempt> =>
    new Promise((resolve) => {
      let settled = false;
      let responded = false;
      const finish = (outcome: Attempt): void => {
        if (settled) return;
        settled = true;
        gone.removeEventListener("abort", onGone);
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
          headers: forwardedRequestHeaders(req),
          agent: agentFor(lease.key),
        });
      } catch (error) {
        // Node accepted the request but will not send it on (e.g. characters invalid in a path).
        fail(res, 502, `the request cannot be forwarded: ${errorCode(error) ?? "invalid request"}`);
        finish({ kind: "done" });
        return;
      }
      const onGone = (): void => {
        proxyReq.destroy();
        finish({ kind: "done" });
      };
      gone.addEventListener("abort", onGone, { once: true });

      // Send the body only once connected: a refused connection then leaves it unread and retryable.
      proxyReq.once("socket", (socket) => {
        if (socket.connecting) socket.once("connect", () => body.attach(proxyReq));
        else body.attach(proxyReq);
      });
      proxyReq.once("response", (proxyRes) => {
        responded = true;
        const headers = endToEndHeaders(proxyRes.headers);
        if (context.closing.aborted) headers.connection = "close";
        res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, headers);
        pipeline(proxyRes, res, (error) => {
          if (error !== undefined && error !== null && !gone.aborted) {
            counters.failures += 1;
            lease.fail();
            logger?.warn({ backend: lease.backend.id, error: errorCode(error) ?? String(error) }, "response from backend broke off");
          }
          finish({ kind: "done" });
        });
      });
      proxyReq.on("error", (error) => {
        body.detach();
        if (responded || settled) return; // the response pipeline reports it
        if (isConnectError(error)) {
          finish({ kind: "retry", error });
          return;
        }
        lease.fail();
        logger?.warn({ backend: lease.backend.id, error: errorCode(error) ?? String(error) }, "request to backend failed");
        fail(res, 502, `the backend failed: ${errorCode(error) ?? "error"}`);
        finish({ kind: "done" });
      });
    });

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.requests += 1;
    const end = context.activity.begin();
    const client = new AbortController();
    const waiting = new AbortController();
    const unlink = followAbort(waiting, context.closing);
    res.once("close", () => {
      end();
      unlink();
      if (!res.writableFinished) {
        client.abort();
        waiting.abort();
      }
    });
    const waitSignal = waiting.signal;
    const body = createBodyForwarder(req, settings.replayBufferBytes);
    const canResend = (): boolean => !body.consumed || (IDEMPOTENT_METHODS.has(req.method ?? "") && body.replayable);
    const tried = new Set<string>();
    const deadline = Date.now() + settings.backendWaitMs;
    let lastError: unknown;

    for (;;) {
      const lease = await context.pool.next({ tried, deadline, signal: waitSignal });
      if (client.signal.aborted) {
        lease?.release();
        return;
      }
      if (lease === undefined) {
        if (pool.size() === 0) {
          logger?.warn({ waitedMs: settings.backendWaitMs }, "no backend for a request");
          fail(res, 503, context.closing.aborted ? "the proxy is shutting down" : `no healthy backend for this service (waited ${settings.backendWaitMs} ms)`);
        } else {
          logger?.warn({ error: errorCode(lastError) }, "no backend reachable for a request");
          fail(res, 502, `no backend of this service could be reached (${errorCode(lastError) ?? "unknown error"})`);
        }
        return;
      }
      const outcome = await attempt(lease, req, res, body, client.signal);
      if (outcome.kind === "done") return;
      lastError = outcome.error;
      lease.fail();
      logger?.debug({ backend: lease.backend.id, error: errorCode(outcome.error) }, "backend unreachable; trying another");
      if (!canResend()) {
        fail(res, 502, `the backend was lost before answering (${errorCode(outcome.error) ?? "unknown error"}) and the request cannot safely be sent again`);
        return;
      }
    }
  };
}
