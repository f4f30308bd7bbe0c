import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyYamlUpdates } from "./apply-yaml-updates.js";
import { StepFailedError } from "./step-failed-error.js";
import { parseKeyPath } from "./yaml-key-path.js";

const apply = (text: string, key: string, value: unknown) => applyYamlUpdates(text, [{ path: parseKeyPath(key), value }], "values.yaml");

describe("applyYamlUpdates", () => {
  it.each([
    ["a plain scalar, keeping its trailing comment", "image: app:v1   # pinned\n", "image", "app:v2", "image: app:v2   # pinned\n"],
    ["a double-quoted scalar stays double-quoted", 'tag: "v1" # x\n', "tag", "v2", 'tag: "v2" # x\n'],
    ["a single-quoted scalar stays single-quoted", "tag: 'v1'\n", "tag", "v2", "tag: 'v2'\n"],
    ["a nested key", "# c\nspec:\n  # d\n  artifact: a\n  other: b\n", "spec.artifact", "z", "# c\nspec:\n  # d\n  artifact: z\n  other: b\n"],
    ["a list item's field", "items:\n- name: a\n  tag: v1\n- name: b\n  tag: v1\n", "items[1].tag", "v9", "items:\n- name: a\n  tag: v1\n- name: b\n  tag: v9\n"],
    ["an item of a flow list", "ports: [80,  443]\n", "ports[1]", 8443, "ports: [80,  8443]\n"],
    ["a quoted key with dots", 'annotations:\n  ferry.dev/commit: old\n', 'annotations["ferry.dev/commit"]', "abc", "annotations:\n  ferry.dev/commit: abc\n"],
    ["a number replacing a string", "replicas: '2'\n", "replicas", 3, "replicas: 3\n"],
    ["a value that needs quotes", "msg: hi\n", "msg", "a: b # c", 'msg: "a: b # c"\n'],
  ])("changes %s in place", (_name, text, key, value, expected) => {
    expect(apply(text, key, value)).toEqual({ text: expected, changed: true });
  });

  it("creates missing keys and keeps comments elsewhere", () => {
    const text = "# header\nspec:\n  # keep me\n  artifact: a\n";
    const out = apply(text, "spec.resources.limits.cpu", "500m");
    expect(out.changed).toBe(true);
    expect(out.text).toContain("# header\n");
    expect(out.text).toContain("  # keep me\n");
    expect(parse(out.text)).toEqual({ spec: { artifact: "a", resources: { limits: { cpu: "500m" } } } });
  });

  it("fills an empty value with the mapping the path needs", () => {
    expect(parse(apply("spec:\n", "spec.artifact", "a").text)).toEqual({ spec: { artifact: "a" } });
  });

  it("sets a whole object from an expression's value", () => {
    const out = apply("spec:\n  env: []\n", "spec.env", [{ name: "A", value: "1" }]);
    expect(parse(out.text)).toEqual({ spec: { env: [{ name: "A", value: "1" }] } });
  });

  it("reports no change when the value is already there", () => {
    expect(apply("a: 1 # one\n", "a", 1)).toEqual({ text: "a: 1 # one\n", changed: false });
  });

  it.each([
    ["a key below a scalar", "kind: Service\n", "kind.name", "cannot set kind.name: kind is the value \"Service\", not a mapping"],
    ["an index into a mapping", "spec:\n  a: 1\n", "spec[0]", "spec is a mapping, not a list"],
    ["an index past the end", "items: [a, b]\n", "items[5]", "index 5 is past the end of items (2 items)"],
    ["a key into a list", "items: [a]\n", "items.name", "items is a list, not a mapping"],
    ["broken YAML", "a: [1, 2\n", "a", "cannot parse YAML"],
  ])("fails for %s", (_name, text, key, message) => {
    expect(() => apply(text, key, "x")).toThrow(StepFailedError);
    expect(() => apply(text, key, "x")).toThrow(message);
  });
});

describe("parseKeyPath", () => {
  it.each([
    ["spec.artifact", ["spec", "artifact"]],
    ["services[0].tag", ["services", 0, "tag"]],
    ["a[1][2]", ["a", 1, 2]],
    ['metadata.annotations["ferry.dev/x"].y', ["metadata", "annotations", "ferry.dev/x", "y"]],
  ])("parses %s", (key, expected) => {
    expect(parseKeyPath(key)).toEqual(expected);
  });

  it.each(["", "a..b", "a.", ".a", "a[x]", "a[1", "a]b", "a[0]b"])("rejects %j", (key) => {
    expect(() => parseKeyPath(key, "updates[0].key")).toThrow(/^updates\[0\]\.key: invalid key/);
  });
});
