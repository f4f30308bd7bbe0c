/**
 * The `rel="next"` target of an RFC 8288 `Link` header, resolved against `base`; undefined when there is
 * none. Registries send it relative (`</v2/app/tags/list?n=100&last=v9>; rel="next"`).
 */
export function nextLink(header: string | null, base: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m === null) continue;
    const params = m[2] ?? "";
    if (/;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(params)) return new URL(m[1] ?? "", base).toString();
  }
  return undefined;
}
