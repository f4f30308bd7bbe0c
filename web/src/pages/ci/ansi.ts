/** A run of text with one look: CSS classes (`ansi-bold`, `ansi-fg-1`…) and, for 256/true colours, an inline colour. */
export type AnsiSpan = { text: string; classes: string[]; color?: string; background?: string };

type Look = { bold: boolean; dim: boolean; italic: boolean; underline: boolean; inverse: boolean; fg: number | string | null; bg: number | string | null };

const plain = (): Look => ({ bold: false, dim: false, italic: false, underline: false, inverse: false, fg: null, bg: null });

/** The xterm 256-colour palette entry `n` (16..255) as #rrggbb; 0..15 are themed by CSS classes. */
export function xterm256(n: number): string {
  const hex = (v: number): string => v.toString(16).padStart(2, "0");
  if (n >= 232) {
    const g = 8 + (n - 232) * 10;
    return `#${hex(g)}${hex(g)}${hex(g)}`;
  }
  const i = n - 16;
  const level = (v: number): number => (v === 0 ? 0 : 55 + v * 40);
  return `#${hex(level(Math.floor(i / 36)))}${hex(level(Math.floor(i / 6) % 6))}${hex(level(i % 6))}`;
}

/** Reads an extended colour (`38;5;n` or `38;2;r;g;b`) starting after the 38/48; returns it and how many codes it used. */
function extended(codes: number[], at: number): { colour: number | string | null; used: number } {
  const mode = codes[at];
  if (mode === 5) {
    const n = codes[at + 1] ?? 0;
    return { colour: n < 16 ? n : xterm256(Math.min(n, 255)), used: 2 };
  }
  if (mode === 2) {
    const [r, g, b] = [codes[at + 1] ?? 0, codes[at + 2] ?? 0, codes[at + 3] ?? 0].map((v) => Math.max(0, Math.min(255, v)).toString(16).padStart(2, "0"));
    return { colour: `#${r}${g}${b}`, used: 4 };
  }
  return { colour: null, used: 1 };
}

function apply(look: Look, params: string): Look {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
  const next = { ...look };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    if (c === 0) Object.assign(next, plain());
    else if (c === 1) next.bold = true;
    else if (c === 2) next.dim = true;
    else if (c === 3) next.italic = true;
    else if (c === 4) next.underline = true;
    else if (c === 7) next.inverse = true;
    else if (c === 22) { next.bold = false; next.dim = false; }
    else if (c === 23) next.italic = false;
    else if (c === 24) next.underline = false;
    else if (c === 27) next.inverse = false;
    else if (c >= 30 && c <= 37) next.fg = c - 30;
    else if (c >= 90 && c <= 97) next.fg = c - 90 + 8;
    else if (c === 39) next.fg = null;
    else if (c >= 40 && c <= 47) next.bg = c - 40;
    else if (c >= 100 && c <= 107) next.bg = c - 100 + 8;
    else if (c === 49) next.bg = null;
    else if (c === 38 || c === 48) {
      const { colour, used } = extended(codes, i + 1);
      if (c === 38) next.fg = colour;
      else next.bg = colour;
      i += used;
    }
  }
  return next;
}

function spanOf(text: string, look: Look): AnsiSpan {
  const classes: string[] = [];
  if (look.bold) classes.push("ansi-bold");
  if (look.dim) classes.push("ansi-dim");
  if (look.italic) classes.push("ansi-italic");
  if (look.underline) classes.push("ansi-underline");
  const [fg, bg] = look.inverse ? [look.bg ?? 0, look.fg ?? 7] : [look.fg, look.bg];
  const span: AnsiSpan = { text, classes };
  if (typeof fg === "number") classes.push(`ansi-fg-${fg}`);
  else if (typeof fg === "string") span.color = fg;
  if (typeof bg === "number") classes.push(`ansi-bg-${bg}`);
  else if (typeof bg === "string") span.background = bg;
  return span;
}

/** Every escape sequence: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and two-character escapes. */
const ESCAPE = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/**
 * Splits a line with ANSI escape codes into styled spans. SGR (colours, bold, italic, underline,
 * inverse; 16, 256 and true colours) is kept as styling; every other escape (cursor moves, erase,
 * titles) is dropped. `look` carries the style over from the previous line, as terminals do.
 */
export function parseAnsi(line: string, carry?: { look?: Look }): AnsiSpan[] {
  let look = carry?.look ?? plain();
  const spans: AnsiSpan[] = [];
  let last = 0;
  const push = (text: string): void => {
    if (text === "") return;
    const s = spanOf(text, look);
    const prev = spans[spans.length - 1];
    if (prev && prev.color === s.color && prev.background === s.background && prev.classes.join() === s.classes.join()) prev.text += text;
    else spans.push(s);
  };
  for (const m of line.matchAll(ESCAPE)) {
    push(line.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === "m") look = apply(look, m[1] ?? "");
  }
  push(line.slice(last));
  if (carry) carry.look = look;
  return spans;
}

/** The text without any escape codes (for search and copying). */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPE, "");
}
