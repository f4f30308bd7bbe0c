/**
 * Workflow commands a step prints on stdout (`::name key=value,...::message`,
 * or the legacy `##[name key=value;...]message`), processed line by line.
 * The only state kept between lines is `::stop-commands::TOKEN`, which turns
 * command processing off until a `::TOKEN::` line; everything else is decided
 * per line. Nothing is executed here: the caller applies the commands.
 */

export type AnnotationLevel = "error" | "warning" | "notice" | "debug";

export type WorkflowCommand =
  | { kind: "set-env"; name: string; value: string }
  | { kind: "set-output"; name: string; value: string }
  | { kind: "save-state"; name: string; value: string }
  | { kind: "add-path"; path: string }
  | { kind: "add-mask"; value: string }
  | {
      kind: "annotation";
      level: AnnotationLevel;
      message: string;
      file?: string;
      line?: number;
      endLine?: number;
      col?: number;
      endColumn?: number;
      title?: string;
    }
  | { kind: "group"; title: string }
  | { kind: "endgroup" }
  | { kind: "echo"; on: boolean };

/**
 * What one stdout line amounts to. `display` is what to print in the log
 * (null: print nothing); `warning` is a problem with the command to report.
 */
export type CommandLineResult = { command?: WorkflowCommand; display: string | null; warning?: string };

export type CommandProcessor = { processLine(line: string): CommandLineResult };

type ParsedCommand = { name: string; props: Map<string, string>; message: string };

/** Commands understood here; any other `::name::` line is plain output. */
const KNOWN_COMMANDS: ReadonlySet<string> = new Set([
  "set-env",
  "set-output",
  "save-state",
  "add-path",
  "add-mask",
  "error",
  "warning",
  "notice",
  "debug",
  "group",
  "endgroup",
  "echo",
  "stop-commands",
  // Problem matchers are not supported; their commands are swallowed so that
  // setup-* actions do not litter the log.
  "add-matcher",
  "remove-matcher",
]);

const ANNOTATION_LEVELS: ReadonlySet<string> = new Set<AnnotationLevel>(["error", "warning", "notice", "debug"]);

function unescapeWith(text: string, pattern: RegExp, table: Readonly<Record<string, string>>): string {
  // One pass, so `%2525` becomes `%25`, not `%`.
  return text.replace(pattern, (m) => table[m] ?? m);
}

const V2_DATA: Readonly<Record<string, string>> = { "%25": "%", "%0D": "\r", "%0A": "\n" };
const V2_PROPERTY: Readonly<Record<string, string>> = { ...V2_DATA, "%3A": ":", "%2C": "," };
const V1_ESCAPES: Readonly<Record<string, string>> = { ...V2_DATA, "%3B": ";", "%5D": "]" };

const unescapeData = (s: string): string => unescapeWith(s, /%(?:25|0D|0A)/g, V2_DATA);
const unescapeProperty = (s: string): string => unescapeWith(s, /%(?:25|0D|0A|3A|2C)/g, V2_PROPERTY);
const unescapeV1 = (s: string): string => unescapeWith(s, /%(?:25|0D|0A|3B|5D)/g, V1_ESCAPES);

function parseProps(text: string, separator: string, unescape: (s: string) => string): Map<string, string> {
  const props = new Map<string, string>();
  for (const piece of text.split(separator)) {
    const eq = piece.indexOf("=");
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim();
    if (key !== "") props.set(key, unescape(piece.slice(eq + 1)));
  }
  return props;
}

/** `::name key=value,key=value::message` */
function parseV2(line: string): ParsedCommand | undefined {
  if (!line.startsWith("::")) return undefined;
  const end = line.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = line.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (name === "") return undefined;
  const props = space < 0 ? new Map<string, string>() : parseProps(info.slice(space + 1), ",", unescapeProperty);
  return { name, props, message: unescapeData(line.slice(end + 2)) };
}

/** Legacy `##[name key=value;key=value]message`, only for known command names. */
function parseV1(line: string): ParsedCommand | undefined {
  if (!line.startsWith("##[")) return undefined;
  const end = line.indexOf("]", 3);
  if (end < 0) return undefined;
  const info = line.slice(3, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (!KNOWN_COMMANDS.has(name)) return undefined;
  const props = space < 0 ? new Map<string, string>() : parseProps(info.slice(space + 1), ";", unescapeV1);
  return { name, props, message: unescapeV1(line.slice(end + 1)) };
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 && Number.isSafeInteger(n) ? n : undefined;
}

function annotation(level: AnnotationLevel, cmd: ParsedCommand): WorkflowCommand {
  const result: Extract<WorkflowCommand, { kind: "annotation" }> = { kind: "annotation", level, message: cmd.message };
  const file = cmd.props.get("file");
  if (file !== undefined && file !== "") result.file = file;
  const title = cmd.props.get("title");
  if (title !== undefined && title !== "") result.title = title;
  const line = positiveInt(cmd.props.get("line"));
  if (line !== undefined) result.line = line;
  const endLine = positiveInt(cmd.props.get("endLine"));
  if (endLine !== undefined) result.endLine = endLine;
  const col = positiveInt(cmd.props.get("col"));
  if (col !== undefined) result.col = col;
  const endColumn = positiveInt(cmd.props.get("endColumn"));
  if (endColumn !== undefined) result.endColumn = endColumn;
  return result;
}

const unsecureDisabled = (name: string, alternative: string): string =>
  `The '${name}' command is disabled. Use the ${alternative} file instead, ` +
  `or set ACTIONS_ALLOW_UNSECURE_COMMANDS=true to enable it.`;

/**
 * A processor for one step's stdout. Feed it every line (without its "\n")
 * in order; it keeps the `stop-commands` state between lines.
 */
export function createCommandProcessor(opts: { allowUnsecureCommands: () => boolean }): CommandProcessor {
  let stopToken: string | undefined;

  function named(kind: "set-env" | "set-output" | "save-state", cmd: ParsedCommand): CommandLineResult {
    const name = cmd.props.get("name");
    if (name === undefined || name === "") {
      return { display: null, warning: `The '${kind}' command requires a 'name' property.` };
    }
    return { command: { kind, name, value: cmd.message }, display: null };
  }

  function run(cmd: ParsedCommand, line: string): CommandLineResult {
    if (ANNOTATION_LEVELS.has(cmd.name)) {
      return { command: annotation(cmd.name as AnnotationLevel, cmd), display: cmd.message };
    }
    switch (cmd.name) {
      case "set-output":
      case "save-state":
        return named(cmd.name, cmd);
      case "set-env":
        if (!opts.allowUnsecureCommands()) return { display: null, warning: unsecureDisabled("set-env", "GITHUB_ENV") };
        return named("set-env", cmd);
      case "add-path":
        if (!opts.allowUnsecureCommands()) return { display: null, warning: unsecureDisabled("add-path", "GITHUB_PATH") };
        if (cmd.message === "") return { display: null, warning: "The 'add-path' command requires a path." };
        return { command: { kind: "add-path", path: cmd.message }, display: null };
      case "add-mask":
        if (cmd.message.trim() === "") {
          return { display: null, warning: "Can't add a secret mask for an empty string in the 'add-mask' command." };
        }
        return { command: { kind: "add-mask", value: cmd.message }, display: null };
      case "group":
        return { command: { kind: "group", title: cmd.message }, display: cmd.message };
      case "endgroup":
        return { command: { kind: "endgroup" }, display: null };
      case "echo": {
        const value = cmd.message.trim().toLowerCase();
        if (value !== "on" && value !== "off") {
          return { display: null, warning: `Invalid 'echo' command value '${cmd.message}'; expected 'on' or 'off'.` };
        }
        return { command: { kind: "echo", on: value === "on" }, display: null };
      }
      case "stop-commands": {
        const token = cmd.message;
        if (token === "") return { display: null, warning: "The 'stop-commands' command requires a token." };
        if (KNOWN_COMMANDS.has(token.toLowerCase()) && !opts.allowUnsecureCommands()) {
          return {
            display: null,
            warning: `'${token}' cannot be used as a stop-commands token because it is a command name.`,
          };
        }
        stopToken = token;
        return { display: null };
      }
      case "add-matcher":
      case "remove-matcher":
        return { display: null };
      default:
        return { display: line };
    }
  }

  return {
    processLine(line: string): CommandLineResult {
      const text = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (stopToken !== undefined) {
        if (text === `::${stopToken}::`) {
          stopToken = undefined;
          return { display: null };
        }
        return { display: line };
      }
      const cmd = parseV2(text) ?? parseV1(text);
      if (cmd === undefined || !KNOWN_COMMANDS.has(cmd.name)) return { display: line };
      return run(cmd, line);
    },
  };
}
