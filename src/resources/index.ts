export { formatPath } from "./format-path.js";
export { jsonSchemaFor, allJsonSchemas, type JsonSchema } from "./json-schema.js";
export { kinds, lookupKind, type KindColumn, type KindDefinition, type Resource, type ResourceKind } from "./kinds.js";
export { loadResourceFiles, loadResources, type LoadResourcesResult } from "./load.js";
export { formatResourceProblem, type ResourceProblem } from "./resource-problem.js";
export {
  applicationSchema,
  applicationSpecSchema,
  repositoryPathProblem,
  revisionProblem,
  type Application,
  type ApplicationInput,
} from "./schema/application.js";
export { durationSchema, type DurationBounds } from "./schema/duration-schema.js";
export {
  API_VERSION,
  metadataSchema,
  resourceNameSchema,
  resourceSchema,
  RESOURCE_NAME_PATTERN,
  type Metadata,
} from "./schema/envelope.js";
export { gitUrlProblem } from "./schema/git-url-problem.js";
export { DURATION_PATTERN, InvalidDurationError, parseDuration } from "./schema/parse-duration.js";
export {
  repositorySchema,
  repositorySpecSchema,
  type Repository,
  type RepositoryInput,
} from "./schema/repository.js";
export { secretRefSchema } from "./schema/secret-ref-schema.js";
export { artifactReferenceProblem, imageReferenceProblem } from "./schema/image-reference.js";
export {
  serviceSchema,
  serviceSpecSchema,
  STOP_SIGNALS,
  type Service,
  type ServiceInput,
} from "./schema/service.js";
export {
  CHECK_KINDS,
  verificationCheckSchema,
  verificationSchema,
  type Verification,
  type VerificationCheck,
} from "./schema/stage-verification.js";
export { stageSchema, stageSpecSchema, type Stage, type StageInput } from "./schema/stage.js";
export {
  artifactSubscriptionSchema,
  gitSubscriptionSchema,
  imageSubscriptionSchema,
  regexProblem,
  registryRepositoryProblem,
  SELECTION_STRATEGIES,
  SUBSCRIPTION_KINDS,
  subscriptionSchema,
  type GitSubscription,
  type RegistrySubscription,
  type SelectionStrategy,
  type Subscription,
} from "./schema/warehouse-subscription.js";
export { warehouseSchema, warehouseSpecSchema, type Warehouse, type WarehouseInput } from "./schema/warehouse.js";
