// The public surface of src/promotion/steps/: other folders import from here only.
export { applyYamlUpdates, type YamlUpdate } from "./apply-yaml-updates.js";
export { createStepRegistry } from "./create-step-registry.js";
export { createGitCloneStep, gitCloneConfigSchema, type GitCloneConfig } from "./git-clone.js";
export { createGitCommitStep, DEFAULT_AUTHOR, gitCommitConfigSchema, type GitCommitConfig } from "./git-commit.js";
export { createGitPushStep, gitPushConfigSchema, type GitPushConfig } from "./git-push.js";
export { createHttpStep, httpConfigSchema, type HttpConfig } from "./http.js";
export { interpolateConfig } from "./interpolate-config.js";
export { OUTPUT_LIMIT } from "./read-limited.js";
export { createRunStep, runConfigSchema, type RunConfig } from "./run.js";
export { runStep, type StepOutcome } from "./run-step.js";
export {
  DEFAULT_STEP_TIMEOUT,
  runSteps,
  stepEntrySchema,
  type RunStepsOptions,
  type RunStepsResult,
  type StepEntry,
  type StepRecord,
} from "./run-steps.js";
export { StepConfigError } from "./step-config-error.js";
export { StepFailedError } from "./step-failed-error.js";
export { stepJsonSchemas } from "./step-json-schemas.js";
export { StepTimeoutError } from "./step-timeout-error.js";
export type {
  AnyPromotionStep,
  GitCredentials,
  GitFactory,
  PromotionStep,
  StepContext,
  StepDeps,
  StepRegistry,
  StepResult,
  StepStatus,
} from "./types.js";
export { createWaitForSyncStep, waitForSyncConfigSchema, type WaitForSyncConfig } from "./wait-for-sync.js";
export { createYamlUpdateStep, yamlUpdateConfigSchema, type YamlUpdateConfig } from "./yaml-update.js";
export { parseKeyPath, type KeyPath } from "./yaml-key-path.js";
