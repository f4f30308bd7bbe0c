/** Whether `sha` is the all-zeros object id forges send for a ref that did not exist (before) or no longer does (after). */
export function isZeroSha(sha: string): boolean {
  return /^0+$/.test(sha);
}
