import type { ApplicationSummary, EnvironmentTotals } from "./application-types.js";

export type EnvironmentGroup = { agent: string; totals: EnvironmentTotals | undefined; applications: ApplicationSummary[] };

/**
 * One page of Applications grouped by environment (the destination agent), in the order the
 * server sends them (by agent, then name), each group with the environment's totals over all pages.
 */
export function groupByEnvironment(items: readonly ApplicationSummary[], totals: readonly EnvironmentTotals[]): EnvironmentGroup[] {
  const groups: EnvironmentGroup[] = [];
  for (const app of items) {
    let group = groups.find((g) => g.agent === app.agent);
    if (group === undefined) {
      group = { agent: app.agent, totals: totals.find((t) => t.agent === app.agent), applications: [] };
      groups.push(group);
    }
    group.applications.push(app);
  }
  return groups;
}
