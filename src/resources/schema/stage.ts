import { z } from "zod";
import { durationSchema } from "./duration-schema.js";
import { resourceNameSchema, resourceSchema } from "./envelope.js";
import { verificationSchema } from "./stage-verification.js";
import { unlessMissing } from "./unless-missing.js";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const arrayOf = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

function unique<T extends z.ZodType>(item: T, what: string) {
  return z.array(item).refine((items) => new Set(items).size === items.length, { error: `must not name ${what} twice` });
}

const sourcesSchema = z
  .strictObject({
    direct: z.boolean().default(false).describe("Accept freight straight from the warehouse, as soon as it is created."),
    stages: unique(resourceNameSchema.describe("Name of an upstream Stage."), "a Stage")
      .default(() => [])
      .describe("Accept freight once it is verified in every one of these upstream stages."),
    requiredSoakTime: durationSchema({ max: "8760h" })
      .optional()
      .describe('How long freight must have been verified in each upstream stage before it is accepted, e.g. "1h".'),
  })
  .superRefine(
    (sources, ctx) => {
      if (!isRecord(sources)) return;
      const stages = arrayOf(sources.stages);
      if (sources.direct !== true && stages.length === 0) {
        ctx.addIssue({ code: "custom", message: "must accept freight directly (direct: true) or from upstream stages (stages: [...])" });
      }
      if (sources.requiredSoakTime !== undefined && stages.length === 0) {
        ctx.addIssue({ code: "custom", path: ["requiredSoakTime"], message: "applies only to freight from upstream stages" });
      }
    },
    { when: () => true },
  )
  .describe("Where the stage may take this warehouse's freight from.");

const requestedFreightSchema = z
  .strictObject({
    origin: z
      .strictObject({ warehouse: resourceNameSchema.describe("Name of the Warehouse that produces the freight.") })
      .describe("Which freight: the freight of one warehouse."),
    sources: sourcesSchema,
  })
  .describe("Freight of one warehouse the stage accepts, and from where.");

const STEP_ALIAS = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const stepSchema = z
  .strictObject({
    uses: z
      .string()
      .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, { error: 'must be the name of a promotion step, e.g. "git-clone"' })
      .describe('The promotion step to run, e.g. "git-clone", "yaml-update", "git-commit", "git-push".'),
    as: z
      .string()
      .regex(STEP_ALIAS, { error: "must be letters, digits and '_', not starting with a digit, at most 63 characters" })
      .optional()
      .describe("A name for the step, so later steps can read its outputs as outputs.<as>."),
    config: z
      .record(z.string(), z.unknown(), { error: unlessMissing("must be a mapping of the step's settings") })
      .default(() => ({}))
      .describe("The step's settings; each step checks its own. Strings may use ${{ }} expressions."),
    timeout: durationSchema({ min: "1s", max: "24h" })
      .optional()
      .describe("How long the step may run before it fails, from 1s to 24h."),
  })
  .describe("One promotion step.");

const promotionTemplateSchema = z
  .strictObject({
    steps: z
      .array(stepSchema)
      .min(1, { error: "must list at least one step" })
      .superRefine(
        (steps, ctx) => {
          const seen = new Map<unknown, number>();
          arrayOf(steps).forEach((step, index) => {
            if (!isRecord(step) || step.as === undefined) return;
            const first = seen.get(step.as);
            if (first === undefined) seen.set(step.as, index);
            else ctx.addIssue({ code: "custom", path: [index, "as"], message: `already names steps[${first}]` });
          });
        },
        { when: () => true },
      )
      .describe("Steps run in order for each promotion; they write the new desired state into Git."),
  })
  .describe("What a promotion to this stage does.");

const approvalSchema = z
  .strictObject({
    required: z.boolean().default(false).describe("Freight must be approved for this stage before it is promoted to it."),
    approvers: unique(z.string().min(1, { error: "must not be empty" }), "an approver")
      .optional()
      .describe("Users or API token names that may approve; anyone with the approver role when left out."),
    allowSelfApproval: z
      .boolean()
      .default(false)
      .describe("Whether the person who asked for a promotion may approve it too."),
  })
  .superRefine(
    (approval, ctx) => {
      if (!isRecord(approval) || approval.required === true) return;
      if (approval.approvers !== undefined) ctx.addIssue({ code: "custom", path: ["approvers"], message: "applies only with required: true" });
      if (approval.allowSelfApproval === true) ctx.addIssue({ code: "custom", path: ["allowSelfApproval"], message: "applies only with required: true" });
    },
    { when: () => true },
  )
  .default(() => ({ required: false, allowSelfApproval: false }))
  .describe("Whether a person must approve freight for this stage.");

export const stageSpecSchema = z.strictObject({
  requestedFreight: z
    .array(requestedFreightSchema)
    .min(1, { error: "must request freight of at least one warehouse" })
    .superRefine(
      (requested, ctx) => {
        const seen = new Map<unknown, number>();
        arrayOf(requested).forEach((entry, index) => {
          const warehouse = isRecord(entry) && isRecord(entry.origin) ? entry.origin.warehouse : undefined;
          if (warehouse === undefined) return;
          const first = seen.get(warehouse);
          if (first === undefined) seen.set(warehouse, index);
          else ctx.addIssue({ code: "custom", path: [index, "origin", "warehouse"], message: `already requested in requestedFreight[${first}]` });
        });
      },
      { when: () => true },
    )
    .describe("Which freight the stage accepts: per warehouse, directly or once verified upstream."),
  promotionTemplate: promotionTemplateSchema,
  autoPromotion: z
    .boolean()
    .default(false)
    .describe("Promote the newest acceptable freight automatically (after approval, when required); otherwise a person promotes."),
  approval: approvalSchema,
  verification: verificationSchema.optional(),
  application: resourceNameSchema
    .optional()
    .describe("The Application delivering this stage; wait-for-sync waits for it to sync the promoted revision."),
});

/** `Stage`: an environment step freight moves through, with its promotion steps, gates and verification. */
export const stageSchema = resourceSchema("Stage", stageSpecSchema)
  .superRefine(
    (stage, ctx) => {
      const name: unknown = isRecord(stage.metadata) ? stage.metadata.name : undefined;
      const spec: unknown = stage.spec;
      if (!isRecord(spec)) return;
      arrayOf(spec.requestedFreight).forEach((entry, index) => {
        const sources = isRecord(entry) ? entry.sources : undefined;
        arrayOf(isRecord(sources) ? sources.stages : undefined).forEach((upstream, at) => {
          if (upstream === name) {
            ctx.addIssue({ code: "custom", path: ["spec", "requestedFreight", index, "sources", "stages", at], message: "a Stage cannot be its own upstream" });
          }
        });
      });
    },
    { when: (payload) => isRecord(payload.value) },
  )
  .describe("An environment step: which freight it accepts, how it is promoted, who approves it and how it is verified.");

/** A Stage as Ferry uses it, defaults applied. */
export type Stage = z.infer<typeof stageSchema>;

/** A Stage as written by a user, before defaults. */
export type StageInput = z.input<typeof stageSchema>;
