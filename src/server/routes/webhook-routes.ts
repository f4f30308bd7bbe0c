import type { FastifyInstance } from "fastify";
import { detectProvider } from "../../git/webhooks/index.js";
import type { WebhookHeaders } from "../../git/webhooks/index.js";
import type { Store } from "../../store/index.js";
import { getResource } from "../../store/index.js";
import { secretValues } from "../../store/index.js";
import type { SecretBox } from "../../store/index.js";
import { HttpError, badRequest, notFound, unauthorized } from "../errors.js";
import type { PullRequestChange } from "../../ci/index.js";

export const WEBHOOK_BODY_LIMIT = 5 << 20;

/**
 * POST /webhooks/<repository>: a forge says something was pushed. The delivery is verified the
 * way its forge signs it (before anything else is done with it), processed once per delivery id,
 * and then the repository is polled at once, so what runs is what the remote really has.
 */
export function registerWebhookRoutes(app: FastifyInstance, deps: {
  store: Store; box: SecretBox; refresh(repo: string): Promise<void>; pushed(repo: string, ref: string, after: string): Promise<void>;
  pullRequest(change: PullRequestChange): Promise<unknown>;
}): void {
  const { store } = deps;
  app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, next) => next(null, body));
    scope.post<{ Params: { name: string } }>("/webhooks/:name", { bodyLimit: WEBHOOK_BODY_LIMIT }, async (req, reply) => {
      const repo = await getResource(store, "Repository", req.params.name);
      if (!repo) throw notFound(`no repository "${req.params.name}"`);
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(",") : v])) as WebhookHeaders;
      const provider = detectProvider(headers);
      if (!provider) throw badRequest("not a GitHub, Gitea, Forgejo or GitLab webhook delivery");
      const webhook = (repo.spec.webhook ?? {}) as { secretRef?: string };
      if (!webhook.secretRef) throw new HttpError(403, "forbidden", `repository "${req.params.name}" has no webhook secret (spec.webhook.secretRef)`);
      const secret = secretValues(store, deps.box, req.params.name, [webhook.secretRef])[webhook.secretRef];
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!secret || !provider.verify(headers, body, secret)) throw unauthorized("the webhook signature does not match");
      const delivery = provider.deliveryId(headers);
      if (delivery) {
        const fresh = store.sqlite.prepare("INSERT OR IGNORE INTO webhook_deliveries (delivery_id, repo, received_at) VALUES (?, ?, ?)")
          .run(`${provider.id}:${delivery}`, req.params.name, new Date().toISOString()).changes > 0;
        if (!fresh) return reply.code(200).send({ status: "duplicate", delivery });
      }
      const parsed = provider.normalize(headers, body);
      if (!parsed.ok) throw badRequest(parsed.error);
      if (parsed.event.kind === "push") {
        // Acknowledge at once; the fetch and the runs happen in the background.
        const ev = parsed.event;
        void (ev.deleted ? deps.refresh(req.params.name) : deps.pushed(req.params.name, ev.ref, ev.after)).catch(() => undefined);
        return reply.code(202).send({ status: "accepted", event: "push" });
      }
      const ev = parsed.event;
      if (ev.kind === "pull_request") {
        void deps.pullRequest({
          repo: req.params.name, url: String(repo.spec.url), provider: provider.id, action: ev.action, number: ev.number,
          headSha: ev.headSha, baseRef: ev.baseRef, payload: ev.payload,
        }).catch(() => undefined);
        return reply.code(202).send({ status: "accepted", event: "pull_request" });
      }
      return reply.code(202).send({ status: "ignored", event: ev.kind });
    });
    done();
  });
}
