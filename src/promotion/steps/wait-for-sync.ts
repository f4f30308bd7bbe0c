import { z } from "zod";
import type { PromotionStep } from "./types.js";

export const waitForSyncConfigSchema = z.strictObject({
  /** The Application whose agent must pick up the revision. */
  application: z.string().min(1),
  /** The config repository commit (usually `${{ outputs.push.commit }}`). */
  revision: z.string().min(1),
});
export type WaitForSyncConfig = z.infer<typeof waitForSyncConfigSchema>;

/** `wait-for-sync`: waits until the Application is synced to the revision (through the controller's waiter). */
export function createWaitForSyncStep(): PromotionStep<WaitForSyncConfig> {
  return {
    name: "wait-for-sync",
    configSchema: waitForSyncConfigSchema,
    async run(config, ctx) {
      if (!ctx.waitForSync) return { status: "Failed", message: "wait-for-sync is not available here: no sync waiter was provided" };
      ctx.log(`waiting for ${config.application} to sync ${config.revision}`);
      const res = await ctx.waitForSync({ application: config.application, revision: config.revision, signal: ctx.signal });
      return { status: res.ok ? "Succeeded" : "Failed", message: res.message, outputs: { message: res.message } };
    },
  };
}
