import { githubPullRequestSchema, githubPushSchema, pullRequestEventFrom, pushEventFrom } from "../github-shape.js";
import { firstHeader } from "../header.js";
import { checkPayload, readJsonObject } from "../parse-payload.js";
import { tokenMatches } from "../signature.js";
import type { NormalizeResult, WebhookHeaders, WebhookProvider } from "../types.js";
import { githubPullRequestPayload } from "./merge-request-payload.js";
import { githubPushPayload } from "./push-payload.js";
import { gitlabMergeRequestSchema, gitlabPushSchema } from "./schema.js";

/** The `X-Gitlab-Event` values Ferry acts on and the `object_kind` their body must have. */
const EVENTS = {
  "Push Hook": "push",
  "Tag Push Hook": "tag_push",
  "Merge Request Hook": "merge_request",
} as const satisfies Readonly<Record<string, string>>;

function isHandled(event: string): event is keyof typeof EVENTS {
  return Object.hasOwn(EVENTS, event);
}

/**
 * GitLab: the shared secret itself in `X-Gitlab-Token` (no signature over the body), the event in
 * `X-Gitlab-Event` (`Push Hook`, `Tag Push Hook`, `Merge Request Hook`, ...), the delivery in
 * `Idempotency-Key` (the same on retries; GitLab 17.4+) or else `X-Gitlab-Event-UUID`.
 * Bodies are mapped to GitHub's push and pull_request payloads.
 */
export const gitlabProvider: WebhookProvider = {
  id: "gitlab",

  detect(headers) {
    return firstHeader(headers, "x-gitlab-event") !== undefined;
  },

  verify(headers, _body, secret) {
    return tokenMatches(headers["x-gitlab-token"], secret);
  },

  deliveryId(headers) {
    return firstHeader(headers, "idempotency-key", "x-gitlab-event-uuid");
  },

  normalize(headers, body) {
    return normalizeGitlab(headers, body);
  },
};

function normalizeGitlab(headers: WebhookHeaders, body: Buffer): NormalizeResult {
  const event = firstHeader(headers, "x-gitlab-event");
  if (event === undefined) return { ok: false, error: "missing X-Gitlab-Event header" };
  if (!isHandled(event)) return { ok: true, event: { kind: "ignored", event } };

  const json = readJsonObject(headers, body);
  if (!json.ok) return json;
  const kind = EVENTS[event];
  if (json.value["object_kind"] !== kind) {
    return { ok: false, error: `${event} body has object_kind ${JSON.stringify(json.value["object_kind"])}, not "${kind}"` };
  }
  if (kind === "merge_request") {
    const hook = checkPayload(gitlabMergeRequestSchema, json.value, event);
    if (!hook.ok) return hook;
    const pr = checkPayload(githubPullRequestSchema, githubPullRequestPayload(hook.value), "pull_request");
    return pr.ok ? { ok: true, event: pullRequestEventFrom(pr.value) } : pr;
  }
  const hook = checkPayload(gitlabPushSchema, json.value, event);
  if (!hook.ok) return hook;
  const push = checkPayload(githubPushSchema, githubPushPayload(hook.value), "push");
  return push.ok ? { ok: true, event: pushEventFrom(push.value) } : push;
}
