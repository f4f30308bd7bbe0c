// Shared presentational pieces of the dashboard.
export * from "./confirm-dialog.js";
export * from "./pager.js";
export * from "./relative-time.js";
export * from "./states.js";
export * from "./status-badge.js";
export * from "./table.js";
