import { connect, type Socket } from "node:net";
import type { BackendLease } from "./backend-pool.js";
import { closeAfterFlush } from "./close-after-flush.js";
import { errorCode } from "./connect-errors.js";
import { followAbort } from "./follow-abort.js";
import type { ProxyContext } from "./proxy-context.js";

/**
 * Routes each TCP connection to a backend, round-robin, trying the next backend when one refuses,
 * and pipes both ways (half-closes included) until both sides are done.
 */
export function createTcpConnectionHandler(context: ProxyContext) {
  const { settings, pool, counters, logger } = context;

  /** Resolves true once connected (or the client left), false when the backend cannot be reached. */
  const attempt = (lease: BackendLease, client: Socket): Promise<boolean> =>
    new Promise((resolve) => {
      const upstream = connect({ host: lease.backend.host, port: lease.backend.port, allowHalfOpen: true });
      let connected = false;
      const onClientClose = (): void => {
        upstream.destroy();
        lease.release();
        resolve(true);
      };
      client.once("close", onClientClose);
      upstream.once("error", (error) => {
        if (connected) return;
        client.off("close", onClientClose);
        lease.fail();
        lease.release();
        logger?.debug({ backend: lease.backend.id, error: errorCode(error) }, "backend unreachable; trying another");
        resolve(false);
      });
      upstream.once("connect", () => {
        connected = true;
        client.off("close", onClientClose);
        let open = 2;
        const closed = (): void => {
          open -= 1;
          if (open === 0) lease.release();
        };
        const broke = (): void => {
          client.destroy();
          upstream.destroy();
        };
        upstream.on("error", broke);
        client.on("error", broke);
        upstream.once("close", () => {
          closeAfterFlush(client);
          closed();
        });
        client.once("close", () => {
          closeAfterFlush(upstream);
          closed();
        });
        client.pipe(upstream);
        upstream.pipe(client);
        resolve(true);
      });
    });

  return async (client: Socket): Promise<void> => {
    counters.requests += 1;
    const end = context.activity.begin();
    client.once("close", end);
    client.on("error", () => client.destroy());
    client.pause();
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
    for (;;) {
      const lease = await pool.next({ tried, deadline, signal: waitSignal });
      if (gone.signal.aborted) {
        lease?.release();
        return;
      }
      if (lease === undefined) {
        counters.failures += 1;
        logger?.warn({ backends: pool.size() }, "no backend reachable for a connection");
        client.destroy();
        return;
      }
      if (await attempt(lease, client)) return;
    }
  };
}
