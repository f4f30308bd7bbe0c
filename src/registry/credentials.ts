/**
 * The token an `Authorization` header carries: the password of `Basic` credentials (podman and skopeo send
 * `--creds user:<token>` this way; the user name is ignored) or a `Bearer` token. Undefined for none or empty.
 */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer?.[1] !== undefined) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (basic?.[1] === undefined) return undefined;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const password = colon === -1 ? "" : decoded.slice(colon + 1);
  return password === "" ? undefined : password;
}
