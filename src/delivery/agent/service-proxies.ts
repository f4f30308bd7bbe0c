import type { Service } from "../../resources/index.js";
import { createServiceProxy } from "../proxy/index.js";
import type { ServiceProxy } from "../proxy/index.js";

/** A replica that may take traffic, with its host ports in the order of the Service's ports. */
export type ProxyBackend = { id: string; ports: readonly number[] };

export type ServiceProxies = {
  /** Listens on every port of `ports` (and only those): a changed port or protocol gets a new listener. */
  ensure(ports: Service["spec"]["ports"]): Promise<void>;
  /** Each listener forwards to the same-position port of each backend (a backend without one is skipped there). */
  setBackends(backends: readonly ProxyBackend[]): void;
  /** Lets the replica's requests finish on every listener, for up to `timeoutMs`. */
  drain(id: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
};

type Listener = { port: number; protocol: "http" | "tcp"; server: ServiceProxy };

/** The agent's proxy listeners of one Service: one per entry of `spec.ports`. */
export function createServiceProxies(o: { host: string }): ServiceProxies {
  let listeners: Listener[] = [];
  let backends: readonly ProxyBackend[] = [];

  function apply(): void {
    listeners.forEach((l, index) => {
      l.server.setBackends(backends.flatMap((b) => {
        const port = b.ports[index];
        return port === undefined ? [] : [{ id: b.id, host: "127.0.0.1", port }];
      }));
    });
  }

  return {
    async ensure(ports) {
      const next: Listener[] = [];
      const unused = [...listeners];
      for (const want of ports) {
        const at = unused.findIndex((l) => l.port === want.port && l.protocol === want.protocol);
        if (at >= 0) {
          next.push(...unused.splice(at, 1));
          continue;
        }
        const same = unused.findIndex((l) => l.port === want.port);
        // The same port with another protocol: the old listener must let go of it first.
        if (same >= 0) await unused.splice(same, 1)[0]?.server.close();
        const server = createServiceProxy({ host: o.host, port: want.port, protocol: want.protocol });
        try {
          await server.listen();
        } catch (error: unknown) {
          listeners = [...next, ...unused];
          throw error;
        }
        next.push({ port: want.port, protocol: want.protocol, server });
      }
      await Promise.all(unused.map((l) => l.server.close()));
      const changed = next.length !== listeners.length || next.some((l, i) => l !== listeners[i]);
      listeners = next;
      if (changed) apply();
    },
    setBackends(next) {
      backends = next;
      apply();
    },
    async drain(id, timeoutMs) {
      await Promise.all(listeners.map((l) => l.server.drain(id, timeoutMs)));
    },
    async close() {
      const all = listeners;
      listeners = [];
      await Promise.all(all.map((l) => l.server.close()));
    },
  };
}
