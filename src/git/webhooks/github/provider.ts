import { githubPullRequestSchema, githubPushSchema, pullRequestEventFrom, pushEventFrom } from "../github-shape.js";
import { firstHeader } from "../header.js";
import { checkPayload, readJsonObject } from "../parse-payload.js";
import { verifyHmacSha256Hex } from "../signature.js";
import type { NormalizeResult, WebhookHeaders, WebhookProvider } from "../types.js";

const SIGNATURE_PREFIX = "sha256=";

/**
 * GitHub (and GitHub Enterprise Server): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`,
 * the event in `X-GitHub-Event`, the delivery in `X-GitHub-Delivery`. Payloads are passed through.
 * A tag push arrives as `push` with a `refs/tags/` ref; `create` and `delete` are ignored.
 */
export const githubProvider: WebhookProvider = {
  id: "github",

  detect(headers) {
    return firstHeader(headers, "x-github-event") !== undefined;
  },

  verify(headers, body, secret) {
    const header = headers["x-hub-signature-256"];
    if (header?.startsWith(SIGNATURE_PREFIX) !== true) return false;
    return verifyHmacSha256Hex(body, secret, header.slice(SIGNATURE_PREFIX.length));
  },

  deliveryId(headers) {
    return firstHeader(headers, "x-github-delivery");
  },

  normalize(headers, body) {
    return normalizeGithub(headers, body);
  },
};

function normalizeGithub(headers: WebhookHeaders, body: Buffer): NormalizeResult {
  const event = firstHeader(headers, "x-github-event");
  if (event === undefined) return { ok: false, error: "missing X-GitHub-Event header" };
  if (event === "ping") return { ok: true, event: { kind: "ping" } };
  if (event !== "push" && event !== "pull_request") return { ok: true, event: { kind: "ignored", event } };

  const json = readJsonObject(headers, body);
  if (!json.ok) return json;
  if (event === "push") {
    const push = checkPayload(githubPushSchema, json.value, "push");
    return push.ok ? { ok: true, event: pushEventFrom(push.value) } : push;
  }
  const pr = checkPayload(githubPullRequestSchema, json.value, "pull_request");
  return pr.ok ? { ok: true, event: pullRequestEventFrom(pr.value) } : pr;
}
