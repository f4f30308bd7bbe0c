import type { Service } from "../../resources/index.js";
import { parseDuration } from "../../resources/index.js";
import { alwaysHealthyProber, createExecProbe, createHttpProbe, createProber, createTcpProbe } from "../health/index.js";
import type { HealthChange, Prober } from "../health/index.js";

/** The replica's own host ports, in the order of `spec.ports` (one when the Service declares none). */
export type ReplicaPorts = readonly number[];

/** The port a probe checks: the named or numbered one of `spec.ports`, else the first. */
function probePort(service: Service, ports: ReplicaPorts, which: string | number | undefined): number | undefined {
  if (which === undefined) return ports[0];
  const index = service.spec.ports.findIndex((p) => p.name === which || p.port === which);
  return index >= 0 ? ports[index] : ports[0];
}

/** Starts the health check of one replica as its Service describes it (running counts as healthy without one). */
export function createReplicaProber(service: Service, ports: ReplicaPorts, cwd: string | undefined, onChange: (c: HealthChange) => void): Prober {
  const h = service.spec.health;
  if (h === undefined) return alwaysHealthyProber({ onChange });
  const settings = {
    periodMs: parseDuration(h.period), timeoutMs: parseDuration(h.timeout), successThreshold: h.successThreshold,
    failureThreshold: h.failureThreshold, initialDelayMs: parseDuration(h.initialDelay),
  };
  if (h.http) {
    return createProber({ ...settings, probe: createHttpProbe({ path: h.http.path }), target: portTarget(probePort(service, ports, h.http.port)), onChange });
  }
  if (h.tcp) return createProber({ ...settings, probe: createTcpProbe(), target: portTarget(probePort(service, ports, h.tcp.port)), onChange });
  const command = h.exec?.command ?? ["true"];
  const env = { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", ...service.spec.env };
  return createProber({ ...settings, probe: createExecProbe({ command, env, ...(cwd ? { cwd } : {}) }), target: portTarget(ports[0]), onChange });
}

const portTarget = (port: number | undefined): { host: string; port?: number } => (port === undefined ? { host: "127.0.0.1" } : { host: "127.0.0.1", port });
