/** The API's answers, defined once in src/server/api-types (shared with the server and the CLI). */
export type { ApplicationResourceBrief as ApplicationResource, RepositoryResource } from "../../../../src/server/api-types/index.js";
