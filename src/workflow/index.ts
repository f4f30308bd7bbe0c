// The public surface of src/workflow/: other folders import from here only.
export * from "./errors.js";
export * from "./expressions.js";
export * from "./filters.js";
export * from "./inputs.js";
export * from "./job-plan.js";
export * from "./load.js";
export * from "./matrix.js";
export * from "./model.js";
export * from "./template.js";
export * from "./triggers.js";
export * from "./uses.js";
export * from "./reusable.js";
