import { describe, expect, it } from "vitest";
import { layoutColumns } from "./graph-layout.js";

const ids = (cols: Array<Array<{ id: string }>>): string[][] => cols.map((c) => c.map((j) => j.id));

describe("layoutColumns", () => {
  it("puts each job one column after the deepest job it needs", () => {
    const jobs = [
      { id: "lint", needs: [] }, { id: "build", needs: [] }, { id: "test", needs: ["build"] },
      { id: "package", needs: ["build", "test"] }, { id: "deploy", needs: ["package", "lint"] },
    ];
    expect(ids(layoutColumns(jobs))).toEqual([["lint", "build"], ["test"], ["package"], ["deploy"]]);
  });

  it("ignores needs of jobs that are not in the graph, and cycles", () => {
    expect(ids(layoutColumns([{ id: "a", needs: ["missing"] }, { id: "b", needs: ["c"] }, { id: "c", needs: ["b"] }]))).toEqual([["a"], ["c"], ["b"]]);
  });
});
