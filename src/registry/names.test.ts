import { describe, expect, it } from "vitest";
import { isRepositoryName, isTag } from "./names.js";

describe("repository names and tags", () => {
  it.each([
    ["library/ubuntu", true], ["a", true], ["a/b/c", true], ["my-app.v2", true], ["a__b", true], ["a---b", true],
    ["a/blobs/manifests", true], ["Upper", false], ["a..b", false], ["-a", false], ["a/", false], ["a//b", false],
    ["a___b", false], ["a/_tags", false], ["../etc", false], ["a".repeat(256), false], ["", false],
  ])("name %s → %s", (name, valid) => expect(isRepositoryName(name)).toBe(valid));

  it.each([
    ["latest", true], ["v1.2.3", true], ["_x", true], ["A-b_c.d", true], ["x".repeat(128), true],
    ["x".repeat(129), false], [".hidden", false], ["-x", false], ["a/b", false], ["a:b", false], ["", false],
  ])("tag %s → %s", (tag, valid) => expect(isTag(tag)).toBe(valid));
});
