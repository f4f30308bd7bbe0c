/** One record of a job's log as the server streams it (`GET /api/v1/jobs/:id/logs`). */
export type LogRecord = { seq: number; time: string; type: string; [k: string]: unknown };

export type Annotation = { level: "error" | "warning" | "notice" | "debug"; message: string; file?: string; line?: number; col?: number; seq: number; step: string };
export type LogItem =
  | { kind: "line"; seq: number; n: number; text: string; stream: "stdout" | "stderr" }
  | { kind: "group"; seq: number; title: string; items: LogItem[] }
  | ({ kind: "annotation" } & Annotation);
export type LogStep = {
  key: string; name: string; index: number | null; status: "in_progress" | "completed";
  conclusion: string | null; durationMs: number | null; items: LogItem[]; lines: number;
};
export type JobLog = { steps: LogStep[]; annotations: Annotation[]; ended: boolean; result: string | null };

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Turns the flat records of a job's log into steps, each with its lines (numbered from 1 per step),
 * `::group::` sections (nested) and annotations where they were emitted. Lines before the first step
 * go to "Set up job". Records may come in any batch size; the result is the same.
 */
export function buildJobLog(records: readonly LogRecord[]): JobLog {
  const steps: LogStep[] = [];
  const annotations: Annotation[] = [];
  const byName = new Map<string, LogStep>();
  let ended = false;
  let result: string | null = null;
  // The open group stack of each step (groups never span steps).
  const groups = new Map<LogStep, Array<{ items: LogItem[] }>>();

  const stepFor = (name: string, index: number | null): LogStep => {
    const found = byName.get(name);
    if (found) return found;
    const step: LogStep = { key: `${steps.length}:${name}`, name, index, status: "in_progress", conclusion: null, durationMs: null, items: [], lines: 0 };
    steps.push(step);
    byName.set(name, step);
    return step;
  };
  const target = (step: LogStep): LogItem[] => {
    const stack = groups.get(step);
    return stack && stack.length > 0 ? (stack[stack.length - 1]?.items ?? step.items) : step.items;
  };

  for (const r of records) {
    const stepName = str(r.step) || "Set up job";
    switch (r.type) {
      case "step-start": {
        const s = stepFor(stepName, num(r.index) ?? null);
        s.status = "in_progress";
        break;
      }
      case "step-end": {
        const s = stepFor(stepName, num(r.index) ?? null);
        s.status = "completed";
        s.conclusion = str(r.conclusion) || null;
        s.durationMs = num(r.durationMs) ?? null;
        groups.delete(s);
        break;
      }
      case "line": {
        const s = stepFor(stepName, null);
        s.lines += 1;
        target(s).push({ kind: "line", seq: r.seq, n: s.lines, text: str(r.text), stream: r.stream === "stderr" ? "stderr" : "stdout" });
        break;
      }
      case "group": {
        const s = stepFor(stepName, null);
        const g: LogItem = { kind: "group", seq: r.seq, title: str(r.title), items: [] };
        target(s).push(g);
        const stack = groups.get(s) ?? [];
        stack.push(g);
        groups.set(s, stack);
        break;
      }
      case "endgroup": {
        groups.get(stepFor(stepName, null))?.pop();
        break;
      }
      case "annotation": {
        const s = stepFor(stepName, null);
        const level = (["error", "warning", "notice", "debug"] as const).find((l) => l === r.level) ?? "notice";
        const a: Annotation = { level, message: str(r.message), seq: r.seq, step: s.name };
        const file = str(r.file);
        if (file) a.file = file;
        const line = num(r.line);
        if (line !== undefined) a.line = line;
        const col = num(r.col);
        if (col !== undefined) a.col = col;
        target(s).push({ kind: "annotation", ...a });
        if (level !== "debug") annotations.push(a);
        break;
      }
      case "job-end":
        ended = true;
        result = str(r.result) || null;
        break;
      default:
        break;
    }
  }
  return { steps, annotations, ended, result };
}

/** Whether an item (or anything inside a group) contains `needle` (already lower-cased). */
export function itemMatches(item: LogItem, needle: string, text: (s: string) => string): boolean {
  if (item.kind === "line") return text(item.text).toLowerCase().includes(needle);
  if (item.kind === "annotation") return item.message.toLowerCase().includes(needle);
  return item.title.toLowerCase().includes(needle) || item.items.some((i) => itemMatches(i, needle, text));
}
