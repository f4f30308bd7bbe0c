// The public surface of src/ci/: other folders import from here only.
export * from "./bus.js";
export * from "./container-label.js";
export * from "./dispatch.js";
export * from "./git-watcher.js";
export * from "./job-concurrency.js";
export * from "./job-payload.js";
export * from "./load-calls.js";
export * from "./plan-run.js";
export * from "./rerun.js";
export * from "./run-scopes.js";
export * from "./scheduler.js";
export * from "./schedules.js";
export * from "./status-reporter.js";
export * from "./trigger-commit.js";
export * from "./trigger-pull-request.js";
