import type { JobEvent } from "../../runner/types.js";
import type { JobSummary } from "./orchestrate.js";

const SYMBOL: Record<string, string> = { success: "✓", failure: "✗", cancelled: "⊘", skipped: "-" };

export type Printer = { event(e: JobEvent): void; summary(workflow: string, result: string, jobs: JobSummary[], ms: number): void; note(text: string): void };

function duration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** Human-readable live log: one prefix per job, steps framed by their result. */
export function createTextPrinter(write: (s: string) => void): Printer {
  return {
    event(e) {
      const p = `[${e.job}]`;
      switch (e.type) {
        case "job-start": write(`${p} ⭐ Job started\n`); break;
        case "step-start": write(`${p} ▶ ${e.step}\n`); break;
        case "line": write(`${p}   | ${e.text}\n`); break;
        case "group": write(`${p}   ▼ ${e.title}\n`); break;
        case "endgroup": break;
        case "annotation": {
          const where = e.file ? ` ${e.file}${e.line !== undefined ? `:${e.line}` : ""}${e.col !== undefined ? `:${e.col}` : ""}` : "";
          if (e.level !== "debug") write(`${p}   ${e.level}${where}: ${e.message}\n`);
          break;
        }
        case "step-end": {
          const note = e.outcome !== e.conclusion ? ` (outcome ${e.outcome}, continue-on-error)` : "";
          write(`${p} ${SYMBOL[e.conclusion] ?? "?"} ${e.step} ${e.conclusion === "skipped" ? "(skipped)" : duration(e.durationMs)}${note}\n`);
          break;
        }
        case "job-end": if (e.summary) for (const l of e.summary.trimEnd().split("\n")) write(`${p}   summary | ${l}\n`);
          write(`${p} ${e.result === "success" ? "🏁 Job succeeded" : e.result === "skipped" ? "Job skipped" : `🏁 Job ${e.result === "failure" ? "failed" : "cancelled"}`}${e.result === "skipped" ? "" : ` in ${duration(e.durationMs)}`}\n`); break;
      }
    },
    summary(workflow, result, jobs, ms) {
      const width = Math.max(3, ...jobs.map((j) => j.name.length));
      write(`\n${workflow}: ${result} in ${duration(ms)}\n`);
      write(`  ${"JOB".padEnd(width)}  RESULT\n`);
      for (const j of jobs) write(`  ${j.name.padEnd(width)}  ${SYMBOL[j.result] ?? "?"} ${j.result}\n`);
    },
    note(text) {
      write(`${text}\n`);
    },
  };
}

/** One JSON object per line: the engine's events, then a summary per workflow. */
export function createJsonPrinter(write: (s: string) => void): Printer {
  return {
    event(e) { write(`${JSON.stringify({ ...e, time: new Date().toISOString() })}\n`); },
    summary(workflow, result, jobs, ms) { write(`${JSON.stringify({ type: "workflow-end", workflow, result, durationMs: ms, jobs })}\n`); },
    note(text) { write(`${JSON.stringify({ type: "note", text })}\n`); },
  };
}
