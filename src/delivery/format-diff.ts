import type { FieldChange, ServiceDiff } from "./diff-services.js";

const show = (value: unknown): string => JSON.stringify(value) ?? "undefined";

function fieldLine(change: FieldChange): string {
  if (change.from === undefined) return `    + ${change.path}: ${show(change.to)}`;
  if (change.to === undefined) return `    - ${change.path}: ${show(change.from)}`;
  return `    ~ ${change.path}: ${show(change.from)} -> ${show(change.to)}`;
}

/**
 * The diff for people, as `ferry app diff` prints it: `+` for a Service or field added, `-` for one
 * removed, `~` for one changed (`from -> to`), values as JSON; "no changes" when there are none.
 */
export function formatDiff(diff: ServiceDiff): string {
  const lines: string[] = [];
  for (const name of diff.added) lines.push(`+ Service ${name}`);
  for (const change of diff.changed) {
    lines.push(`~ Service ${change.name}`);
    for (const field of change.fields) lines.push(fieldLine(field));
  }
  for (const name of diff.removed) lines.push(`- Service ${name}`);
  return lines.length === 0 ? "no changes\n" : `${lines.join("\n")}\n`;
}
