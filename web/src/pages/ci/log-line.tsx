import type { ReactNode } from "react";
import { parseAnsi } from "./ansi.js";

/** `text` with each case-insensitive occurrence of `needle` marked. */
function highlight(text: string, needle: string, key: string): ReactNode[] {
  if (!needle) return [text];
  const out: ReactNode[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  let i = 0;
  for (let hit = lower.indexOf(needle); hit >= 0; hit = lower.indexOf(needle, hit + needle.length)) {
    if (hit > at) out.push(text.slice(at, hit));
    out.push(<mark key={`${key}-${i++}`}>{text.slice(hit, hit + needle.length)}</mark>);
    at = hit + needle.length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** A log line: ANSI colours as spans, search hits marked; its number links to itself. */
export function LogLine(props: { id: string; n: number; text: string; stream: "stdout" | "stderr"; needle: string }): ReactNode {
  const spans = parseAnsi(props.text);
  return (
    <div className={`line ${props.stream}`} id={props.id}>
      <a className="ln" href={`#${props.id}`}>{props.n}</a>
      <span className="txt">
        {spans.map((s, i) => (
          <span key={i} className={s.classes.length ? s.classes.join(" ") : undefined} style={s.color || s.background ? { color: s.color, background: s.background } : undefined}>
            {highlight(s.text, props.needle, String(i))}
          </span>
        ))}
      </span>
    </div>
  );
}
