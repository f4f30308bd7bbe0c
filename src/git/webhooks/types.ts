/** Request headers of a delivery, keyed by lower-cased header name. */
export type WebhookHeaders = Readonly<Record<string, string | undefined>>;

/**
 * A delivery reduced to what Ferry acts on. `payload` is shaped like the GitHub webhook payload of the same
 * event, whichever forge sent it, so workflows read `github.event.*` as they would on GitHub.
 */
export type NormalizedEvent =
  | {
      kind: "push";
      /** Full ref name: `refs/heads/main`, `refs/tags/v1.0.0`. */
      ref: string;
      before: string;
      /** The commit the ref now points at (all zeros when the ref was deleted). */
      after: string;
      deleted: boolean;
      created: boolean;
      repositoryUrl?: string;
      pusher?: string;
      payload: Record<string, unknown>;
    }
  | {
      kind: "pull_request";
      /** GitHub's vocabulary: `opened`, `synchronize`, `reopened`, `closed`, `edited`, ... */
      action: string;
      number: number;
      title: string;
      /** Branch name, without `refs/heads/`. */
      headRef: string;
      headSha: string;
      /** Branch name, without `refs/heads/`. */
      baseRef: string;
      payload: Record<string, unknown>;
    }
  | { kind: "ping" }
  | { kind: "ignored"; event: string };

export type NormalizeResult = { ok: true; event: NormalizedEvent } | { ok: false; error: string };

export type WebhookProvider = {
  id: "github" | "gitea" | "gitlab";
  /** Whether these headers look like this forge's delivery. */
  detect(headers: WebhookHeaders): boolean;
  /** Verifies the delivery against the shared secret; constant-time compare; never throws. An empty secret never verifies. */
  verify(headers: WebhookHeaders, body: Buffer, secret: string): boolean;
  /** The forge's id for the delivery, for dropping repeats. */
  deliveryId(headers: WebhookHeaders): string | undefined;
  /** Parses and normalizes; returns an error string for a body that is not what the event says. */
  normalize(headers: WebhookHeaders, body: Buffer): NormalizeResult;
};
