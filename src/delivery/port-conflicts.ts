import type { ResourceProblem } from "../resources/index.js";
import type { LocatedService } from "./located-service.js";

/** Ports claimed by two Services of one application: the agent's proxy can listen on each port once. */
export function portConflictProblems(services: readonly LocatedService[]): ResourceProblem[] {
  const owners = new Map<number, LocatedService>();
  const problems: ResourceProblem[] = [];
  for (const entry of services) {
    entry.service.spec.ports.forEach(({ port }, index) => {
      const owner = owners.get(port);
      if (owner === undefined) {
        owners.set(port, entry);
        return;
      }
      if (owner === entry) return; // a Service listing a port twice is already refused by its schema
      const path = ["spec", "ports", index, "port"] as const;
      problems.push({
        file: entry.file,
        ...entry.document.position(path),
        path: `spec.ports[${index}].port`,
        message: `port ${port} is already used by Service ${JSON.stringify(owner.service.metadata.name)} (${owner.file})`,
      });
    });
  }
  return problems;
}
