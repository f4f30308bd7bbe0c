import { describe, expect, it } from "vitest";
import { commitChangesCount } from "./commit-changes-count.js";

describe("commitChangesCount", () => {
  it.each<[string, { includePaths?: string[]; excludePaths?: string[] }, string[], boolean]>([
    ["no filters: any commit", {}, ["README.md"], true],
    ["no filters: even an empty commit", {}, [], true],
    ["include: a matching change", { includePaths: ["apps/shop/**"] }, ["apps/shop/values.yaml"], true],
    ["include: only other changes", { includePaths: ["apps/shop/**"] }, ["apps/billing/values.yaml"], false],
    ["include: one of several matches", { includePaths: ["apps/shop/**"] }, ["docs/a.md", "apps/shop/x.yaml"], true],
    ["include: a leading ./ in the pattern", { includePaths: ["./apps/shop/**"] }, ["apps/shop/x.yaml"], true],
    ["include: hidden files", { includePaths: ["apps/**"] }, ["apps/.env"], true],
    ["include: an empty commit", { includePaths: ["apps/**"] }, [], false],
    ["exclude: only excluded changes", { excludePaths: ["**/*.md"] }, ["README.md", "docs/x.md"], false],
    ["exclude: an excluded and another change", { excludePaths: ["**/*.md"] }, ["README.md", "src/a.ts"], true],
    ["both: included but excluded", { includePaths: ["apps/**"], excludePaths: ["apps/**/*.md"] }, ["apps/shop/README.md"], false],
    ["both: included and not excluded", { includePaths: ["apps/**"], excludePaths: ["apps/**/*.md"] }, ["apps/shop/README.md", "apps/shop/x.yaml"], true],
  ])("%s", (_name, subscription, changed, counts) => {
    expect(commitChangesCount(subscription, changed)).toBe(counts);
  });
});
