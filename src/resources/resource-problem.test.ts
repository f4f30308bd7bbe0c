import { describe, expect, it } from "vitest";
import { formatResourceProblem, sortResourceProblems, type ResourceProblem } from "./resource-problem.js";

describe("formatResourceProblem", () => {
  it.each<[ResourceProblem, string]>([
    [
      { file: "repo.yaml", line: 7, column: 17, path: "spec.pollInterval", message: "must be at least 1s" },
      "repo.yaml:7:17: spec.pollInterval: must be at least 1s",
    ],
    [
      { file: "repo.yaml", line: 3, column: 1, path: "", message: "Map keys must be unique" },
      "repo.yaml:3:1: Map keys must be unique",
    ],
    [
      { file: "missing.yaml", line: 0, column: 0, path: "", message: "no such file or directory" },
      "missing.yaml: no such file or directory",
    ],
  ])("%o", (problem, text) => {
    expect(formatResourceProblem(problem)).toBe(text);
  });
});

describe("sortResourceProblems", () => {
  it("keeps files in order of appearance and sorts each by position", () => {
    const at = (file: string, line: number, column: number): ResourceProblem => ({ file, line, column, path: "", message: "" });

    const sorted = sortResourceProblems([at("b", 9, 1), at("a", 2, 5), at("b", 1, 1), at("a", 2, 1)]);

    expect(sorted).toEqual([at("b", 1, 1), at("b", 9, 1), at("a", 2, 1), at("a", 2, 5)]);
  });
});
