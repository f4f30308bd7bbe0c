import { createGitCloneStep } from "./git-clone.js";
import { createGitCommitStep } from "./git-commit.js";
import { createGitPushStep } from "./git-push.js";
import { createHttpStep } from "./http.js";
import { createRunStep } from "./run.js";
import type { AnyPromotionStep, StepDeps, StepRegistry } from "./types.js";
import { createWaitForSyncStep } from "./wait-for-sync.js";
import { createYamlUpdateStep } from "./yaml-update.js";

/** The built-in promotion steps, by name. */
export function createStepRegistry(deps: StepDeps = {}): StepRegistry {
  const steps: AnyPromotionStep[] = [
    createGitCloneStep(deps) as AnyPromotionStep,
    createYamlUpdateStep() as AnyPromotionStep,
    createGitCommitStep(deps) as AnyPromotionStep,
    createGitPushStep(deps) as AnyPromotionStep,
    createWaitForSyncStep() as AnyPromotionStep,
    createHttpStep() as AnyPromotionStep,
    createRunStep() as AnyPromotionStep,
  ];
  return new Map(steps.map((step) => [step.name, step]));
}
