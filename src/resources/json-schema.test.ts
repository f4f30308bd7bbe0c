import { describe, expect, it } from "vitest";
import { allJsonSchemas, jsonSchemaFor } from "./json-schema.js";
import { kinds } from "./kinds.js";

interface ObjectSchema {
  required?: string[];
  properties: Record<string, ObjectSchema & { default?: unknown }>;
  additionalProperties?: boolean;
}

describe("JSON Schema", () => {
  it("requires spec.url of a Repository and leaves defaulted fields optional", () => {
    const schema = jsonSchemaFor("Repository") as unknown as ObjectSchema;
    const spec = schema.properties.spec;

    expect(schema.required).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(spec?.required).toEqual(["url"]);
    expect(spec?.additionalProperties).toBe(false);
    expect(spec?.properties.pollInterval?.default).toBe("30s");
    expect(spec?.properties.branches?.default).toEqual(["**"]);
  });

  it("names the kind and the draft", () => {
    expect(jsonSchemaFor("repo")).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "Repository",
    });
  });

  it("has nothing for an unknown kind", () => {
    expect(jsonSchemaFor("Nope")).toBeUndefined();
  });

  it("has one schema per kind", () => {
    expect(Object.keys(allJsonSchemas())).toEqual([...kinds.keys()]);
  });
});
