/**
 * Parsers for the files a step writes to talk back to the runner:
 * GITHUB_ENV, GITHUB_OUTPUT and GITHUB_STATE (`NAME=value` or the heredoc
 * form `NAME<<DELIM` … `DELIM`), and GITHUB_PATH (one directory a line).
 */

export type EnvFileResult = { ok: true; values: Array<[string, string]> } | { ok: false; error: string };

/** Splits into lines on `\n`, dropping one `\r` before each break (CRLF files). */
function splitLines(content: string): string[] {
  const lines = content.split("\n");
  // "a=1\n" ends with an empty piece that is not a line.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/**
 * Parses a GITHUB_ENV / GITHUB_OUTPUT / GITHUB_STATE file. Every assignment is
 * returned in file order, duplicates included: the caller applies them in
 * order so a later one wins. Errors are returned, never thrown; `file` only
 * names the file in the message.
 */
export function parseEnvFile(content: string, file: string): EnvFileResult {
  const lines = splitLines(content);
  const values: Array<[string, string]> = [];
  const fail = (lineNo: number, message: string): EnvFileResult => ({
    ok: false,
    error: `${file} (Line: ${lineNo}): ${message}`,
  });

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const lineNo = i + 1;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");

    // Whichever marker comes first decides the form: `A=x<<y` is a plain
    // assignment, `A<<E=F` is a heredoc with delimiter `E=F`.
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (name === "") return fail(lineNo, `Name must not be empty: '${line}'`);
      values.push([name, line.slice(eq + 1)]);
      continue;
    }
    if (heredoc < 0) return fail(lineNo, `Invalid format '${line}': expected NAME=value or NAME<<DELIMITER`);

    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (name === "") return fail(lineNo, `Name must not be empty: '${line}'`);
    if (delimiter === "") return fail(lineNo, `Delimiter must not be empty: '${line}'`);

    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const bodyLine = lines[i] ?? "";
      if (bodyLine === delimiter) {
        closed = true;
        break;
      }
      body.push(bodyLine);
    }
    if (!closed) return fail(lineNo, `Matching delimiter not found '${delimiter}'`);
    values.push([name, body.join("\n")]);
  }
  return { ok: true, values };
}

/** Parses a GITHUB_PATH file: one directory per non-empty line, in order. */
export function parsePathFile(content: string): string[] {
  return splitLines(content).filter((l) => l !== "");
}
