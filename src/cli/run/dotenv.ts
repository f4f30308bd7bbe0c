import { readFile } from "node:fs/promises";
import { InputError } from "../../workflow/index.js";

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** Where `quote` closes `body`, or -1; inside double quotes a backslash escapes the next character. */
function closingQuote(body: string, quote: string): number {
  for (let j = 0; j < body.length; j++) {
    if (quote === '"' && body[j] === "\\") j++;
    else if (body[j] === quote) return j;
  }
  return -1;
}

/** Parses a dotenv file: `KEY=value`, `export KEY=value`, quoted values, `#` comments. */
export function parseDotenv(content: string, file: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new InputError([{ file, line: i + 1, column: 1, message: `expected KEY=value, got "${line.slice(0, 40)}"` }]);
    const key = m[1] ?? "";
    let value = m[2] ?? "";
    const quote = value[0];
    if (quote === '"' || quote === "'") {
      // A double-quoted value may go on over several lines; either may be followed by a comment.
      let body = value.slice(1);
      let close = closingQuote(body, quote);
      while (close < 0 && quote === '"' && i + 1 < lines.length) {
        body += `\n${lines[++i] ?? ""}`;
        close = closingQuote(body, quote);
      }
      if (close >= 0) {
        const rest = body.slice(close + 1).trim();
        if (rest !== "" && !rest.startsWith("#")) {
          throw new InputError([{ file, line: i + 1, column: 1, message: `unexpected text after the closing quote: "${rest.slice(0, 40)}"` }]);
        }
        body = body.slice(0, close);
      }
      value = quote === '"' ? body.replace(/\\([nrt"\\])/g, (_, c: string) => ESCAPES[c] ?? c) : body;
    } else {
      value = value.replace(/\s+#.*$/, "").trim();
    }
    out.set(key, value);
  }
  return out;
}

export async function readDotenv(path: string): Promise<Map<string, string>> {
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch (error: unknown) {
    throw new InputError([{ file: path, message: `cannot read: ${(error as Error).message}` }]);
  }
  return parseDotenv(content, path);
}

/** `K=V` flags; a bare `K` takes its value from the environment. */
export function parsePairs(values: readonly string[], flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq === 0) throw new InputError([{ file: flag, message: `expected NAME=value, got "${v}"` }]);
    if (eq < 0) out.set(v, process.env[v] ?? "");
    else out.set(v.slice(0, eq), v.slice(eq + 1));
  }
  return out;
}
