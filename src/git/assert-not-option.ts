/** Throws unless `value` is safe to place where git might otherwise parse an option. */
export function assertNotOption(value: string, what: string): void {
  if (value === "" || value.startsWith("-") || value.includes("\0")) {
    throw new Error(`invalid ${what}: ${JSON.stringify(value)}`);
  }
}
