import type { z } from "zod";
import { applicationSchema, type Application } from "./schema/application.js";
import { repositorySchema, type Repository } from "./schema/repository.js";
import { serviceSchema, type Service } from "./schema/service.js";
import { stageSchema, type Stage } from "./schema/stage.js";
import { warehouseSchema, type Warehouse } from "./schema/warehouse.js";

/** Every resource Ferry knows, defaults applied. */
export type Resource = Repository | Application | Service | Warehouse | Stage;

/** The kind names, e.g. `"Repository"`. */
export type ResourceKind = Resource["kind"];

/** An extra column for tables of one kind (`ferry get`, the dashboard), after NAME. */
export interface KindColumn {
  readonly header: string;
  /** Dotted path into the resource, e.g. `spec.url`. */
  readonly path: string;
}

/** What Ferry knows about one kind. */
export interface KindDefinition {
  readonly kind: ResourceKind;
  readonly schema: z.ZodType<Resource, unknown>;
  /** Lowercase plural, as in `ferry get repositories` and API paths. */
  readonly plural: string;
  /** Other accepted lowercase names, e.g. `repo`. */
  readonly shortNames: readonly string[];
  readonly columns?: readonly KindColumn[];
}

const definitions: readonly KindDefinition[] = [
  {
    kind: "Repository",
    schema: repositorySchema,
    plural: "repositories",
    shortNames: ["repo", "repos"],
    columns: [
      { header: "URL", path: "spec.url" },
      { header: "POLL", path: "spec.pollInterval" },
    ],
  },
  {
    kind: "Application",
    schema: applicationSchema,
    plural: "applications",
    shortNames: ["app", "apps"],
    columns: [
      { header: "REPO", path: "spec.source.repoURL" },
      { header: "PATH", path: "spec.source.path" },
      { header: "RUNTIME", path: "spec.destination.runtime" },
    ],
  },
  {
    kind: "Service",
    schema: serviceSchema,
    plural: "services",
    shortNames: ["svc"],
    columns: [
      { header: "ARTIFACT", path: "spec.artifact" },
      { header: "IMAGE", path: "spec.image" },
      { header: "REPLICAS", path: "spec.replicas" },
    ],
  },
  {
    kind: "Warehouse",
    schema: warehouseSchema,
    plural: "warehouses",
    shortNames: ["wh"],
    columns: [
      { header: "POLICY", path: "spec.freightCreationPolicy" },
      { header: "INTERVAL", path: "spec.interval" },
    ],
  },
  {
    kind: "Stage",
    schema: stageSchema,
    plural: "stages",
    shortNames: ["stg"],
    columns: [
      { header: "AUTO", path: "spec.autoPromotion" },
      { header: "APPROVAL", path: "spec.approval.required" },
      { header: "APPLICATION", path: "spec.application" },
    ],
  },
];

/** The kind registry, keyed by kind name (`Repository`). */
export const kinds: ReadonlyMap<string, KindDefinition> = new Map(definitions.map((d) => [d.kind, d]));

const byAlias: ReadonlyMap<string, KindDefinition> = new Map(
  definitions.flatMap((d) => [d.kind, d.plural, ...d.shortNames].map((alias) => [alias.toLowerCase(), d] as const)),
);

/** Finds a kind by its name, plural or short name, ignoring case (`Repository`, `repositories`, `repo`). */
export function lookupKind(name: string): KindDefinition | undefined {
  return byAlias.get(name.trim().toLowerCase());
}
