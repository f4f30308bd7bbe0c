import type { Logger } from "pino";
import type { Backend, ServiceProxySettingsInput } from "./schema.js";

/** What the proxy logs through: a pino logger or anything with the same two methods. */
export type ProxyLogger = Pick<Logger, "warn" | "debug">;

export type ServiceProxyOptions = ServiceProxySettingsInput & { logger?: ProxyLogger };

export type BackendStats = {
  /** Requests (http) or connections (tcp) sent to this backend, retries included. */
  requests: number;
  /** Attempts that could not connect or broke off. */
  failures: number;
  inFlight: number;
  /** Whether it is in the current backend set (false while a removed backend drains). */
  active: boolean;
};

export type ProxyStats = {
  /** Requests (http) or connections (tcp) received. */
  requests: number;
  /** Of those, the ones the proxy could not serve (503, 502, closed, or broken mid-response). */
  failures: number;
  perBackend: Record<string, BackendStats>;
};

export type ServiceProxy = {
  listen(): Promise<void>;
  /** The bound address; valid after listen() (useful with port 0). */
  address(): { host: string; port: number };
  /** Replaces the backend set; new requests/connections use only these. In-flight traffic is untouched. */
  setBackends(backends: readonly Backend[]): void;
  /** Resolves once no request (http) or connection (tcp) uses backend `id`, or after `timeoutMs`. */
  drain(id: string, timeoutMs: number): Promise<void>;
  stats(): ProxyStats;
  /** Stops listening, lets in-flight traffic finish for up to `closeGraceMs`, then cuts what remains. */
  close(): Promise<void>;
};
