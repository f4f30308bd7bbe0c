import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createActivity } from "./activity.js";
import { createBackendAgents } from "./backend-agents.js";
import { createBackendPool } from "./backend-pool.js";
import { createHttpRequestHandler } from "./http-request-handler.js";
import type { ProxyContext } from "./proxy-context.js";
import { ProxyListenError } from "./proxy-listen-error.js";
import { serviceProxySettingsSchema } from "./schema.js";
import { createTcpConnectionHandler } from "./tcp-connection-handler.js";
import type { ServiceProxy, ServiceProxyOptions } from "./types.js";
import { createUpgradeHandler } from "./upgrade-handler.js";

/**
 * The front door of one Service: listens on the Service's port and routes to its healthy replicas.
 * `setBackends` swaps replicas without touching traffic in flight; `drain` says when a removed
 * replica can be stopped without cutting a request. HTTP is routed per request (client keep-alive
 * connections survive backend changes); TCP per connection.
 */
export function createServiceProxy(options: ServiceProxyOptions): ServiceProxy {
  const { logger, ...rest } = options;
  const settings = serviceProxySettingsSchema.parse(rest);
  const agents = createBackendAgents();
  const closing = new AbortController();
  const context: ProxyContext = {
    settings,
    pool: createBackendPool({ retryBackoffMs: settings.retryBackoffMs, onRetired: (key) => agents.retire(key) }),
    activity: createActivity(),
    counters: { requests: 0, failures: 0 },
    closing: closing.signal,
    logger,
  };
  const sockets = new Set<Socket>();
  /** A bug in the proxy must cost one request, never the agent process. */
  const unexpected = (error: unknown): void => {
    context.counters.failures += 1;
    logger?.warn({ error: error instanceof Error ? error.name : typeof error }, "proxy failed to handle traffic");
  };
  let server: Server;
  let http: HttpServer | undefined;
  if (settings.protocol === "http") {
    http = createHttpServer();
    const handleRequest = createHttpRequestHandler(context, (key) => agents.for(key));
    const handleUpgrade = createUpgradeHandler(context);
    http.on("request", (req, res) => {
      handleRequest(req, res).catch((error: unknown) => {
        unexpected(error);
        res.destroy();
      });
    });
    http.on("upgrade", (req, socket, head) => {
      handleUpgrade(req, socket, head).catch((error: unknown) => {
        unexpected(error);
        socket.destroy();
      });
    });
    server = http;
  } else {
    const handleConnection = createTcpConnectionHandler(context);
    server = createTcpServer({ allowHalfOpen: true }, (socket) => {
      handleConnection(socket).catch((error: unknown) => {
        unexpected(error);
        socket.destroy();
      });
    });
  }
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  let closed: Promise<void> | undefined;

  return {
    listen() {
      return new Promise<void>((resolve, reject) => {
        const onError = (error: unknown): void => reject(new ProxyListenError(settings.host, settings.port, error));
        server.once("error", onError);
        server.listen(settings.port, settings.host, () => {
          server.off("error", onError);
          resolve();
        });
      });
    },

    address() {
      const address = server.address() as AddressInfo | null;
      return { host: settings.host, port: address?.port ?? settings.port };
    },

    setBackends(backends) {
      context.pool.setBackends(backends);
    },

    async drain(id, timeoutMs) {
      const drained = await context.pool.waitIdle(id, timeoutMs);
      if (!drained) logger?.warn({ backend: id, inFlight: context.pool.inFlight(id), timeoutMs }, "backend still busy after the drain timeout");
    },

    stats() {
      return { requests: context.counters.requests, failures: context.counters.failures, perBackend: context.pool.stats() };
    },

    close() {
      closed ??= (async () => {
        closing.abort();
        const stopped = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
        http?.closeIdleConnections();
        await context.activity.idle(settings.closeGraceMs);
        for (const socket of sockets) socket.destroy();
        agents.destroyAll();
        await stopped;
      })();
      return closed;
    },
  };
}
