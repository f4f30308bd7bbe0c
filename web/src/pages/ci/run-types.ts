/** The API's answers, defined once in src/server/api-types (shared with the server and the CLI). */
export type { GraphNode, JobSummary, Page, RunAnnotation, RunDetail, RunSummary, StepSummary } from "../../../../src/server/api-types/index.js";
