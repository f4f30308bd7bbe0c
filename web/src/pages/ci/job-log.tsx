import { useEffect, useMemo, useRef, useState } from "react";
import type { ReactNode } from "react";
import { StatusBadge, formatDuration } from "../../ui/index.js";
import { stripAnsi } from "./ansi.js";
import { LogLine } from "./log-line.js";
import { buildJobLog, itemMatches } from "./log-model.js";
import type { Annotation, LogItem, LogStep } from "./log-model.js";
import { useJobLog } from "./use-job-log.js";

export type SourceLinker = (file: string, line?: number) => string | undefined;

/** Where an annotation points: `file:line:col`, linked to the source when the forge has a page for it. */
export function AnnotationPlace(props: { a: Pick<Annotation, "file" | "line" | "col">; link: SourceLinker }): ReactNode {
  if (!props.a.file) return null;
  const label = `${props.a.file}${props.a.line ? `:${props.a.line}` : ""}${props.a.col ? `:${props.a.col}` : ""}`;
  const href = props.link(props.a.file, props.a.line);
  return href ? <a className="place" href={href} target="_blank" rel="noreferrer">{label}</a> : <code className="place">{label}</code>;
}

type Ctx = { jobId: number; needle: string; link: SourceLinker };

function Items(props: { items: readonly LogItem[]; ctx: Ctx }): ReactNode {
  const { needle } = props.ctx;
  const shown = needle ? props.items.filter((i) => itemMatches(i, needle, stripAnsi)) : props.items;
  return shown.map((item) => {
    const id = `L${props.ctx.jobId}-${item.seq}`;
    if (item.kind === "line") return <LogLine key={item.seq} id={id} n={item.n} text={item.text} stream={item.stream} needle={needle} />;
    if (item.kind === "annotation") {
      return (
        <div key={item.seq} id={id} className={`annotation level-${item.level}`}>
          {item.level}: {item.message} <AnnotationPlace a={item} link={props.ctx.link} />
        </div>
      );
    }
    return (
      <details key={`${item.seq}-${needle ? "s" : ""}`} className="group" open={needle ? true : undefined}>
        <summary>{item.title}</summary>
        <div><Items items={item.items} ctx={props.ctx} /></div>
      </details>
    );
  });
}

function Step(props: { step: LogStep; ctx: Ctx; open: boolean; onToggle: (open: boolean) => void }): ReactNode {
  const s = props.step;
  return (
    <details className="step" open={props.open} onToggle={(e) => { if (e.currentTarget.open !== props.open) props.onToggle(e.currentTarget.open); }} data-step={s.name}>
      <summary>
        <StatusBadge value={s.status === "completed" ? (s.conclusion ?? "completed") : "in_progress"} />
        <span className="grow">{s.name}</span>
        <span className="muted">{s.durationMs !== null ? formatDuration(s.durationMs) : ""}</span>
      </summary>
      {props.open ? <Items items={s.items} ctx={props.ctx} /> : null}
    </details>
  );
}

/**
 * A job's log, live: steps fold (the running and failed ones open), `::group::` sections fold,
 * ANSI colours render, annotations point to file and line, search filters and marks lines, and
 * follow mode keeps the newest line in view until the user scrolls up.
 */
export function JobLog(props: { jobId: number; running: boolean; link: SourceLinker }): ReactNode {
  const { records, done, error } = useJobLog(props.jobId);
  const log = useMemo(() => buildJobLog(records), [records]);
  const [query, setQuery] = useState("");
  const [follow, setFollow] = useState(props.running);
  const [toggled, setToggled] = useState<Record<string, boolean>>({});
  const end = useRef<HTMLDivElement>(null);
  const seenRunning = useRef(new Set<string>());
  const needle = query.trim().toLowerCase();
  const ctx: Ctx = { jobId: props.jobId, needle, link: props.link };

  useEffect(() => {
    if (follow) end.current?.scrollIntoView({ block: "end" });
  }, [follow, records]);

  const matches = useMemo(() => {
    if (!needle) return 0;
    let n = 0;
    const count = (items: readonly LogItem[]): void => {
      for (const i of items) {
        if (i.kind === "group") count(i.items);
        else if (itemMatches(i, needle, stripAnsi)) n++;
      }
    };
    for (const s of log.steps) count(s.items);
    return n;
  }, [log, needle]);

  const steps = needle ? log.steps.filter((s) => s.items.some((i) => itemMatches(i, needle, stripAnsi))) : log.steps;
  return (
    <div className="job-log">
      <div className="toolbar">
        <input type="search" placeholder="Search the log" aria-label="Search the log" value={query} onChange={(e) => setQuery(e.target.value)} />
        {needle ? <span className="muted">{matches} matching line{matches === 1 ? "" : "s"}</span> : null}
        <span className="spacer" />
        <label className="muted"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow</label>
        {!done ? <span className="muted" aria-live="polite">● live</span> : null}
      </div>
      {error ? <p className="error">{error}</p> : null}
      <div className="log" onWheel={(e) => { if (e.deltaY < 0 && follow) setFollow(false); }}>
        {steps.length === 0 ? <div className="line muted">{done ? "This job wrote no log." : "Waiting for the job to start…"}</div> : null}
        {steps.map((s) => {
          // A step seen running stays open when it ends: the user was watching it.
          const auto = s.status === "in_progress" || s.conclusion === "failure" || seenRunning.current.has(s.key)
            || log.annotations.some((a) => a.step === s.name && (a.level === "error" || a.level === "warning"));
          if (s.status === "in_progress") seenRunning.current.add(s.key);
          const open = needle ? true : (toggled[s.key] ?? auto);
          return <Step key={s.key} step={s} ctx={ctx} open={open} onToggle={(o) => setToggled((t) => ({ ...t, [s.key]: o }))} />;
        })}
        <div ref={end} />
      </div>
    </div>
  );
}
