import type { ResourceProblem } from "../resources/index.js";
import type { LocatedService } from "./located-service.js";

function problemAt(entry: LocatedService, index: number, message: string): ResourceProblem {
  const path = ["spec", "dependsOn", index] as const;
  return { file: entry.file, ...entry.document.position(path), path: `spec.dependsOn[${index}]`, message };
}

/** `dependsOn` entries naming a Service that is not among `services`. */
export function missingDependencyProblems(services: readonly LocatedService[]): ResourceProblem[] {
  const names = new Set(services.map((s) => s.service.metadata.name));
  return services.flatMap((entry) =>
    entry.service.spec.dependsOn.flatMap((dependency, index) =>
      names.has(dependency) ? [] : [problemAt(entry, index, `no Service ${JSON.stringify(dependency)} in this application`)],
    ),
  );
}

/**
 * One problem per dependency cycle among `services`, at the `dependsOn` entry that closes it,
 * naming the whole cycle (`a -> b -> c -> a`). Names not among `services` are ignored here.
 */
export function dependencyCycleProblems(services: readonly LocatedService[]): ResourceProblem[] {
  const byName = new Map(services.map((s) => [s.service.metadata.name, s]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const problems: ResourceProblem[] = [];

  const visit = (entry: LocatedService): void => {
    const name = entry.service.metadata.name;
    state.set(name, "visiting");
    stack.push(name);
    entry.service.spec.dependsOn.forEach((dependency, index) => {
      const next = byName.get(dependency);
      if (next === undefined) return;
      const seen = state.get(dependency);
      if (seen === "visiting") {
        const cycle = [...stack.slice(stack.indexOf(dependency)), dependency];
        problems.push(problemAt(entry, index, `dependency cycle: ${cycle.join(" -> ")}`));
      } else if (seen === undefined) visit(next);
    });
    stack.pop();
    state.set(name, "done");
  };

  for (const entry of services) if (!state.has(entry.service.metadata.name)) visit(entry);
  return problems;
}
