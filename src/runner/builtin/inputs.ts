import { homedir } from "node:os";
import { join } from "node:path";
import type { BuiltinContext } from "./types.js";
import { ActionFailure } from "./types.js";

type Inputs = BuiltinContext["inputs"];

/** An input trimmed as `core.getInput` does; "" when it is missing. */
export function readInput(inputs: Inputs, name: string): string {
  return (inputs[name] ?? "").trim();
}

/** A YAML 1.2 core-schema boolean, as `core.getBooleanInput` accepts; `fallback` when empty. */
export function readBooleanInput(inputs: Inputs, name: string, fallback: boolean): boolean {
  const value = readInput(inputs, name);
  if (value === "") return fallback;
  if (value === "true" || value === "True" || value === "TRUE") return true;
  if (value === "false" || value === "False" || value === "FALSE") return false;
  throw new ActionFailure(`Input "${name}" must be true or false, got ${JSON.stringify(value)}`);
}

/** A newline-separated list input: lines trimmed, empty lines dropped. */
export function readListInput(inputs: Inputs, name: string): string[] {
  return readInput(inputs, name)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/** A string field of the `github` context; "" when missing or not a string. */
export function githubString(github: BuiltinContext["github"], name: string): string {
  const value = github[name];
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return "";
}

/** HOME as the step sees it, falling back to the host's. */
export function homeDirectory(env: BuiltinContext["env"]): string {
  const home = env.HOME;
  return home !== undefined && home !== "" ? home : homedir();
}

/** Expands a leading `~` (alone or followed by `/`) to `home`. */
export function expandTilde(path: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return path;
}
