/** The API's answers, defined once in src/server/api-types (shared with the server and the CLI). */
export type { ArtifactRun as RunSummary, ArtifactVersion, Catalog, CatalogEntry } from "../../../../src/server/api-types/index.js";
