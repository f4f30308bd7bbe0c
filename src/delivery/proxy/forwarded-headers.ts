import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";

/** Headers that describe one connection, not the message; a proxy never passes them on (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** `headers` without hop-by-hop ones, including those the `Connection` header names. */
export function endToEndHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ""),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * The headers to send a backend for `req`: end-to-end headers (Host kept as the client sent it) plus
 * `x-forwarded-for` (appended to), `x-forwarded-proto` and `x-forwarded-host`. With `upgrade`, the
 * Connection/Upgrade pair is kept so the backend can switch protocols.
 */
export function forwardedRequestHeaders(req: IncomingMessage, options: { upgrade?: boolean } = {}): OutgoingHttpHeaders {
  const headers = endToEndHeaders(req.headers);
  const client = req.socket.remoteAddress;
  if (client !== undefined) {
    const earlier = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = earlier === undefined || earlier === "" ? client : `${String(earlier)}, ${client}`;
  }
  headers["x-forwarded-proto"] = "http";
  // The proxy already answered "100 Continue" to the client; the backend gets the body straight away.
  delete headers.expect;
  if (req.headers.host !== undefined) headers["x-forwarded-host"] = req.headers.host;
  // The body is re-framed on the way out: keep it chunked when it came chunked (Node decoded it).
  if (req.headers["transfer-encoding"] !== undefined && req.headers["content-length"] === undefined) {
    headers["transfer-encoding"] = "chunked";
  }
  if (options.upgrade === true && req.headers.upgrade !== undefined) {
    headers.connection = "upgrade";
    headers.upgrade = req.headers.upgrade;
  }
  return headers;
}
