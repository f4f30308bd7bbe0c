import type { Service } from "../../resources/index.js";
import { parseDuration } from "../../resources/index.js";
import type { PortMapping, ReplicaSettings, ReplicaSpecInput } from "../../runtime/index.js";

/** What one Service should run: its spec from Git, the version hash, and where its program comes from. */
export type DesiredService = {
  service: Service;
  version: string;
  source: ReplicaSpecInput["source"];
};

/** The replica's ports: one host port per Service port, in order, named as the Service names them. */
export function replicaPortsFor(service: Service, hostPorts: readonly number[]): PortMapping[] {
  return service.spec.ports.map((p, i) => ({
    port: hostPorts[i] ?? 0,
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.containerPort === undefined ? {} : { containerPort: p.containerPort }),
  }));
}

/** What the runtime starts for replica `index` of the desired Service, on the given host ports. */
export function replicaSpecFor(app: string, d: DesiredService, index: number, hostPorts: readonly number[]): ReplicaSpecInput {
  const ports = replicaPortsFor(d.service, hostPorts);
  return {
    app, service: d.service.metadata.name, version: d.version, index, source: d.source, args: d.service.spec.args, env: d.service.spec.env,
    stopSignal: d.service.spec.stopSignal, gracePeriodMs: parseDuration(d.service.spec.gracePeriod),
    ...(ports.length === 0 ? {} : { ports }),
  };
}

/** What a replica of the desired Service runs, as a runtime reports it (see `ReplicaSettings`). */
export function desiredSettings(d: DesiredService): ReplicaSettings {
  const env = d.service.spec.env;
  return d.source.kind === "artifact"
    ? { dir: d.source.dir, command: d.source.command, args: d.service.spec.args, env }
    : { image: d.source.image, env };
}

/** Whether a replica that exited this way is started again, by the Service's restart policy. */
export function restartAllowed(service: Service, lastExit: string): boolean {
  if (service.spec.restartPolicy === "Always") return true;
  if (service.spec.restartPolicy === "Never") return false;
  return lastExit !== "exit code 0";
}
