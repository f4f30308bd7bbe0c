import { z } from "zod";
import { kinds, lookupKind, type KindDefinition } from "./kinds.js";

/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

function generate(definition: KindDefinition): JsonSchema {
  // "input": the schema describes what people write, so fields with defaults are optional.
  const schema = z.toJSONSchema(definition.schema, { io: "input", target: "draft-2020-12" });
  return { ...schema, title: definition.kind };
}

/** The JSON Schema of one kind, found by name, plural or short name; `undefined` for an unknown kind. */
export function jsonSchemaFor(kind: string): JsonSchema | undefined {
  const definition = lookupKind(kind);
  return definition === undefined ? undefined : generate(definition);
}

/** The JSON Schema of every kind, keyed by kind name. */
export function allJsonSchemas(): Record<string, JsonSchema> {
  return Object.fromEntries([...kinds.values()].map((definition) => [definition.kind, generate(definition)]));
}
