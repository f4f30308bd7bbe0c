import { githubPullRequestSchema, githubPushSchema, pullRequestEventFrom, pushEventFrom } from "../github-shape.js";
import { firstHeader } from "../header.js";
import { isZeroSha } from "../is-zero-sha.js";
import { checkPayload, readJsonObject } from "../parse-payload.js";
import { verifyHmacSha256Hex } from "../signature.js";
import type { NormalizeResult, WebhookHeaders, WebhookProvider } from "../types.js";
import { giteaPushSchema, type GiteaPushPayload } from "./schema.js";

/** Gitea's pull request actions that GitHub spells differently. */
const PULL_REQUEST_ACTIONS: Readonly<Record<string, string>> = {
  synchronized: "synchronize",
  label_updated: "labeled",
  label_cleared: "unlabeled",
};

/** Event names that carry a pull request payload (Forgejo/Gitea send pushes to a PR as `pull_request`, some versions as `pull_request_sync`). */
const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_sync"]);

/**
 * Gitea and Forgejo: the hex HMAC-SHA256 of the body in `X-Forgejo-Signature` or `X-Gitea-Signature`
 * (no prefix), the event in `X-Forgejo-Event`/`X-Gitea-Event`, the delivery in `X-Forgejo-Delivery`/`X-Gitea-Delivery`.
 * When Forgejo's header is present it is the one checked: a bad Forgejo signature is not rescued by a Gitea one.
 * They also send GitHub's event headers, so this provider must be asked before GitHub's.
 */
export const giteaProvider: WebhookProvider = {
  id: "gitea",

  detect(headers) {
    return (
      firstHeader(headers, "x-forgejo-event", "x-gitea-event", "x-forgejo-signature", "x-gitea-signature") !== undefined
    );
  },

  verify(headers, body, secret) {
    const signature = headers["x-forgejo-signature"] ?? headers["x-gitea-signature"];
    return verifyHmacSha256Hex(body, secret, signature);
  },

  deliveryId(headers) {
    return firstHeader(headers, "x-forgejo-delivery", "x-gitea-delivery");
  },

  normalize(headers, body) {
    return normalizeGitea(headers, body);
  },
};

function normalizeGitea(headers: WebhookHeaders, body: Buffer): NormalizeResult {
  const event = firstHeader(headers, "x-forgejo-event", "x-gitea-event");
  if (event === undefined) return { ok: false, error: "missing X-Gitea-Event (or X-Forgejo-Event) header" };
  const isPush = event === "push";
  if (!isPush && !PULL_REQUEST_EVENTS.has(event)) return { ok: true, event: { kind: "ignored", event } };

  const json = readJsonObject(headers, body);
  if (!json.ok) return json;
  if (isPush) {
    const gitea = checkPayload(giteaPushSchema, json.value, "push");
    if (!gitea.ok) return gitea;
    const push = checkPayload(githubPushSchema, githubPushPayload(gitea.value), "push");
    return push.ok ? { ok: true, event: pushEventFrom(push.value) } : push;
  }
  const pr = checkPayload(githubPullRequestSchema, json.value, "pull_request");
  if (!pr.ok) return pr;
  const action = PULL_REQUEST_ACTIONS[pr.value.action] ?? pr.value.action;
  return { ok: true, event: pullRequestEventFrom({ ...pr.value, action }) };
}

/**
 * Gitea's push payload is already GitHub's, give or take: fills in `created`, `deleted`, `forced`,
 * `base_ref`, `compare`, `head_commit`, `pusher.name` and `sender` where this Gitea version left them out,
 * and drops the `secret` field old versions (before 1.14) put in the body.
 */
function githubPushPayload(gitea: GiteaPushPayload): Record<string, unknown> {
  const { secret: _secret, ...rest } = gitea;
  const commits = gitea.commits ?? [];
  const pusher = gitea.pusher ?? gitea.sender ?? {};
  const pusherName = pusher.login ?? pusher.username ?? undefined;
  return {
    ...rest,
    created: rest["created"] ?? isZeroSha(gitea.before),
    deleted: rest["deleted"] ?? isZeroSha(gitea.after),
    forced: rest["forced"] ?? false,
    base_ref: rest["base_ref"] ?? null,
    compare: rest["compare"] ?? gitea.compare_url ?? null,
    commits,
    head_commit: gitea.head_commit ?? commits.find((commit) => commit.id === gitea.after) ?? null,
    pusher: { ...pusher, name: pusherName ?? null, email: pusher.email ?? null },
    sender: gitea.sender ?? { login: pusherName ?? null },
  };
}
