import { connect } from "node:net";
import { describeSocketError } from "./describe-socket-error.js";
import type { Probe } from "./types.js";

/** Healthy when a TCP connection to `host:port` succeeds; the connection is closed at once. */
export function createTcpProbe(): Probe {
  return (target, signal) =>
    new Promise((resolve) => {
      if (target.port === undefined) {
        resolve({ ok: false, message: "no port to probe" });
        return;
      }
      if (signal.aborted) {
        resolve({ ok: false, message: "aborted" });
        return;
      }
      const socket = connect({ host: target.host, port: target.port });
      const onAbort = (): void => {
        socket.destroy();
        resolve({ ok: false, message: "aborted" });
      };
      signal.addEventListener("abort", onAbort, { once: true });
      socket.once("connect", () => {
        signal.removeEventListener("abort", onAbort);
        socket.destroy();
        resolve({ ok: true, message: "connected" });
      });
      socket.once("error", (error) => {
        signal.removeEventListener("abort", onAbort);
        resolve({ ok: false, message: describeSocketError(error) });
      });
    });
}
