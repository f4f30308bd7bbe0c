import { request } from "node:http";
import { describeSocketError } from "./describe-socket-error.js";
import type { Probe } from "./types.js";

export type HttpProbeOptions = {
  /** Path (and query) to GET; defaults to "/". */
  path?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
};

/** GETs `http://host:port<path>`; any status from 200 to 399 is healthy. Redirects are not followed. */
export function createHttpProbe(options: HttpProbeOptions = {}): Probe {
  const path = options.path ?? "/";
  if (!path.startsWith("/")) throw new TypeError(`http probe path must start with "/", got ${JSON.stringify(path)}`);
  const headers = { "user-agent": "ferry-probe", ...options.headers };

  return (target, signal) =>
    new Promise((resolve) => {
      if (signal.aborted) {
        resolve({ ok: false, message: "aborted" });
        return;
      }
      const req = request({ host: target.host, port: target.port ?? 80, path, method: "GET", headers, agent: false, signal });
      req.once("response", (res) => {
        const status = res.statusCode ?? 0;
        // Only the status matters; do not wait for (possibly endless) bodies.
        res.destroy();
        resolve({ ok: status >= 200 && status < 400, message: `HTTP ${status}` });
      });
      req.once("error", (error) => {
        resolve({ ok: false, message: signal.aborted ? "aborted" : describeSocketError(error) });
      });
      req.end();
    });
}
