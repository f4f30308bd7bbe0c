/** `{{NAME}}` in a quickstart template: upper-case letters and `_`. */
const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;

export class PlaceholderError extends Error {
  readonly code = "unknown-placeholder";
  constructor(readonly file: string, readonly line: number, readonly placeholder: string) {
    super(`${file}:${line}: no value for the placeholder {{${placeholder}}}`);
    this.name = "PlaceholderError";
  }
}

/** Replaces every `{{NAME}}` in `text` with `values[NAME]`; a name without a value is an error naming file and line. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>, file: string): string {
  return text.replace(PLACEHOLDER, (whole, name: string, offset: number) => {
    const value = values[name];
    if (value === undefined) throw new PlaceholderError(file, text.slice(0, offset).split("\n").length, name);
    return value;
  });
}
