import { interpolateConfig } from "./interpolate-config.js";
import { parseConfig } from "./parse-config.js";
import { StepConfigError } from "./step-config-error.js";
import { StepFailedError } from "./step-failed-error.js";
import { StepTimeoutError } from "./step-timeout-error.js";
import type { AnyPromotionStep, StepContext, StepResult } from "./types.js";

/** How one step ended; `Aborted` when the promotion's signal fired. */
export type StepOutcome = { status: StepResult["status"] | "Aborted"; message?: string; outputs?: Record<string, unknown> };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one step: evaluates the expressions in its config against `ctx.vars`, validates it, and
 * runs it under its own timeout. A step that ignores its signal is still cut off (left running
 * in the background; its result is ignored).
 */
export async function runStep(step: AnyPromotionStep, rawConfig: unknown, ctx: StepContext, timeout: { ms: number; text: string }): Promise<StepOutcome> {
  if (ctx.signal.aborted) return { status: "Aborted", message: "aborted before the step started" };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new StepTimeoutError(timeout.text)), timeout.ms);
  const signal = AbortSignal.any([ctx.signal, controller.signal]);
  let stop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = () => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    signal.addEventListener("abort", stop, { once: true });
  });
  try {
    const config = parseConfig(step.configSchema, interpolateConfig(rawConfig, ctx.vars));
    const result = await Promise.race([step.run(config, { ...ctx, signal }), stopped]);
    return result;
  } catch (error: unknown) {
    if (ctx.signal.aborted) return { status: "Aborted", message: `aborted: ${messageOf(ctx.signal.reason)}` };
    if (controller.signal.aborted || error instanceof StepTimeoutError) {
      return { status: "Errored", message: error instanceof StepTimeoutError ? error.message : `timed out after ${timeout.text}` };
    }
    if (error instanceof StepFailedError) return { status: "Failed", message: error.message };
    if (error instanceof StepConfigError) return { status: "Errored", message: error.message };
    return { status: "Errored", message: messageOf(error) };
  } finally {
    clearTimeout(timer);
    if (stop) signal.removeEventListener("abort", stop);
    stopped.catch(() => undefined);
  }
}
