// The public surface of src/store/: other folders import from here only.
export * from "./event-log.js";
export * from "./open-store.js";
export * from "./resource-store.js";
export * from "./run-store.js";
export * from "./schema.js";
export * from "./secret-box.js";
export * from "./secret-store.js";
export * from "./token-store.js";
export * from "./job-token-store.js";
export * from "./run-artifact-store.js";
export * from "./delivery-store.js";
export * from "./promotion-store.js";
