import { giteaProvider } from "./gitea/provider.js";
import { githubProvider } from "./github/provider.js";
import { gitlabProvider } from "./gitlab/provider.js";
import type { WebhookHeaders, WebhookProvider } from "./types.js";

export type { NormalizedEvent, NormalizeResult, WebhookHeaders, WebhookProvider } from "./types.js";
export { giteaProvider } from "./gitea/provider.js";
export { githubProvider } from "./github/provider.js";
export { gitlabProvider } from "./gitlab/provider.js";

/**
 * Webhook providers keyed by id. The order is detection order: Gitea and Forgejo also send GitHub's
 * `X-GitHub-Event`, so their own headers are looked for before GitHub's.
 */
export const webhookProviders: ReadonlyMap<string, WebhookProvider> = new Map(
  [giteaProvider, gitlabProvider, githubProvider].map((provider) => [provider.id, provider] as const),
);

/** The provider whose delivery these (lower-cased) headers look like, if any. */
export function detectProvider(headers: WebhookHeaders): WebhookProvider | undefined {
  for (const provider of webhookProviders.values()) {
    if (provider.detect(headers)) return provider;
  }
  return undefined;
}
