import { stageSchema, warehouseSchema, type Stage, type StageInput, type Warehouse, type WarehouseInput } from "../resources/index.js";
import { freightSchema, type Freight } from "./schema.js";

/** A sha256 digest made of one repeated hex digit, e.g. `digest("a")`. */
export function digest(hex: string): string {
  return `sha256:${hex.repeat(64)}`;
}

/** A commit id made of one repeated hex digit. */
export function commitId(hex: string): string {
  return hex.repeat(40);
}

/** A valid Warehouse for tests, defaults applied. */
export function makeWarehouse(name: string, spec: WarehouseInput["spec"]): Warehouse {
  return warehouseSchema.parse({ apiVersion: "ferry/v1alpha1", kind: "Warehouse", metadata: { name }, spec });
}

/** A valid Stage for tests, defaults applied: takes freight of warehouse "shop" directly unless `spec` says otherwise. */
export function makeStage(name: string, spec: Partial<StageInput["spec"]> = {}): Stage {
  return stageSchema.parse({
    apiVersion: "ferry/v1alpha1",
    kind: "Stage",
    metadata: { name },
    spec: {
      requestedFreight: [{ origin: { warehouse: "shop" }, sources: { direct: true } }],
      promotionTemplate: { steps: [{ uses: "git-clone" }] },
      ...spec,
    },
  });
}

/** Valid Freight of warehouse "shop" for tests; `name` is a 20-hex-digit name made from `id`. */
export function makeFreight(id: string, fields: Partial<Omit<Freight, "name">> = {}): Freight {
  const name = id.padEnd(20, "0").slice(0, 20);
  return freightSchema.parse({
    name,
    alias: `freight-${id}`,
    warehouse: "shop",
    artifacts: [{ repoURL: "localhost:7000/team/web", tag: id, digest: digest(id.slice(0, 1)) }],
    images: [],
    commits: [],
    origin: {},
    createdAt: "2025-01-01T00:00:00.000Z",
    verifiedIn: {},
    approvedFor: {},
    ...fields,
  });
}
