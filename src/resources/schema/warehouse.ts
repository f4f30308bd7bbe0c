import { z } from "zod";
import { durationSchema } from "./duration-schema.js";
import { resourceSchema } from "./envelope.js";
import { unlessMissing } from "./unless-missing.js";
import { SUBSCRIPTION_KINDS, subscriptionSchema } from "./warehouse-subscription.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What makes two subscriptions the same source: kind, repository and (for Git) branch. */
function sourceKey(subscription: unknown): string | undefined {
  if (!isRecord(subscription)) return undefined;
  for (const kind of SUBSCRIPTION_KINDS) {
    const source = subscription[kind];
    if (!isRecord(source) || typeof source.repoURL !== "string") continue;
    const branch = kind === "git" ? `#${typeof source.branch === "string" ? source.branch : "main"}` : "";
    return `${kind} ${source.repoURL}${branch}`;
  }
  return undefined;
}

export const warehouseSpecSchema = z.strictObject({
  subscriptions: z
    .array(subscriptionSchema)
    .min(1, { error: "must list at least one subscription" })
    .superRefine(
      (subscriptions, ctx) => {
        if (!Array.isArray(subscriptions)) return;
        const seen = new Map<string, number>();
        (subscriptions as unknown[]).forEach((subscription, index) => {
          const key = sourceKey(subscription);
          if (key === undefined) return;
          const first = seen.get(key);
          if (first === undefined) seen.set(key, index);
          else ctx.addIssue({ code: "custom", path: [index], message: `subscribes to the same source as subscriptions[${first}]` });
        });
      },
      { when: () => true },
    )
    .describe("Where new versions come from; each new combination of their newest versions becomes Freight."),
  freightCreationPolicy: z
    .enum(["Automatic", "Manual"], { error: unlessMissing('must be one of "Automatic", "Manual"') })
    .default("Automatic")
    .describe('"Automatic": create Freight as soon as a new combination is discovered; "Manual": only when a person asks.'),
  interval: durationSchema({ min: "10s", max: "24h" })
    .default("5m")
    .describe('How often to look for new versions, e.g. "5m"; between 10s and 24h.'),
});

/** `Warehouse`: subscriptions to artifacts, images and Git branches that produce Freight. */
export const warehouseSchema = resourceSchema("Warehouse", warehouseSpecSchema).describe(
  "Subscriptions to artifacts, images and Git branches; each new combination of their newest versions becomes Freight.",
);

/** A Warehouse as Ferry uses it, defaults applied. */
export type Warehouse = z.infer<typeof warehouseSchema>;

/** A Warehouse as written by a user, before defaults. */
export type WarehouseInput = z.input<typeof warehouseSchema>;
