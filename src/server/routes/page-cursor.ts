import { badRequest } from "../errors.js";

/** The `before=<id>` of a paged list: a positive integer id, or a 400 that says so. */
export function cursor(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw badRequest(`before must be an id from a previous page's "next", not "${value}"`);
  return n;
}
