import { describe, it, expect } from "vitest";
import type { Contexts, Value } from "./expressions.js";
import { ExpressionError } from "./expressions.js";
import { MatrixError, evaluateMatrix, expandMatrix, filterMatrix, matrixJobName } from "./matrix.js";
import type { Combination } from "./matrix.js";

// Examples from GitHub's "Running variations of jobs in a workflow" documentation.

describe("expandMatrix: documented examples", () => {
  it.each<[string, Value, Combination[]]>([
    [
      "a single-dimension matrix",
      { version: [10, 12, 14] },
      [{ version: 10 }, { version: 12 }, { version: 14 }],
    ],
    [
      "a multi-dimension matrix (first vector varies slowest)",
      { os: ["ubuntu-22.04", "ubuntu-20.04"], version: [10, 12, 14] },
      [
        { os: "ubuntu-22.04", version: 10 },
        { os: "ubuntu-22.04", version: 12 },
        { os: "ubuntu-22.04", version: 14 },
        { os: "ubuntu-20.04", version: 10 },
        { os: "ubuntu-20.04", version: 12 },
        { os: "ubuntu-20.04", version: 14 },
      ],
    ],
    [
      "vectors of objects",
      { os: ["ubuntu-latest", "macos-latest"], node: [{ version: 14 }, { version: 20, env: "NODE_OPTIONS=--openssl-legacy-provider" }] },
      [
        { os: "ubuntu-latest", node: { version: 14 } },
        { os: "ubuntu-latest", node: { version: 20, env: "NODE_OPTIONS=--openssl-legacy-provider" } },
        { os: "macos-latest", node: { version: 14 } },
        { os: "macos-latest", node: { version: 20, env: "NODE_OPTIONS=--openssl-legacy-provider" } },
      ],
    ],
    [
      "include: fruit/animal with color, shape and banana entries",
      {
        fruit: ["apple", "pear"],
        animal: ["cat", "dog"],
        include: [
          { color: "green" },
          { color: "pink", animal: "cat" },
          { fruit: "apple", shape: "circle" },
          { fruit: "banana" },
          { fruit: "banana", animal: "cat" },
        ],
      },
      [
        { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
        { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
        { fruit: "pear", animal: "cat", color: "pink" },
        { fruit: "pear", animal: "dog", color: "green" },
        { fruit: "banana" },
        { fruit: "banana", animal: "cat" },
      ],
    ],
    [
      "include: expanding one combination (npm 6 only on windows-latest, node 16)",
      { os: ["windows-latest", "ubuntu-latest"], node: [14, 16], include: [{ os: "windows-latest", node: 16, npm: 6 }] },
      [
        { os: "windows-latest", node: 14 },
        { os: "windows-latest", node: 16, npm: 6 },
        { os: "ubuntu-latest", node: 14 },
        { os: "ubuntu-latest", node: 16 },
      ],
    ],
    [
      "include: adding a combination (ubuntu, node 17 experimental)",
      { os: ["macos-latest", "windows-latest"], version: [12, 14, 16], include: [{ os: "ubuntu-latest", version: 17, experimental: true }] },
      [
        { os: "macos-latest", version: 12 },
        { os: "macos-latest", version: 14 },
        { os: "macos-latest", version: 16 },
        { os: "windows-latest", version: 12 },
        { os: "windows-latest", version: 14 },
        { os: "windows-latest", version: 16 },
        { os: "ubuntu-latest", version: 17, experimental: true },
      ],
    ],
    [
      "include only: each entry is one combination",
      { include: [{ site: "production", datacenter: "site-a" }, { site: "staging", datacenter: "site-b" }] },
      [
        { site: "production", datacenter: "site-a" },
        { site: "staging", datacenter: "site-b" },
      ],
    ],
    [
      "exclude: partial matches remove every combination they match",
      {
        os: ["macos-latest", "windows-latest"],
        version: [12, 14, 16],
        environment: ["staging", "production"],
        exclude: [
          { os: "macos-latest", version: 12, environment: "production" },
          { os: "windows-latest", version: 16 },
        ],
      },
      [
        { os: "macos-latest", version: 12, environment: "staging" },
        { os: "macos-latest", version: 14, environment: "staging" },
        { os: "macos-latest", version: 14, environment: "production" },
        { os: "macos-latest", version: 16, environment: "staging" },
        { os: "macos-latest", version: 16, environment: "production" },
        { os: "windows-latest", version: 12, environment: "staging" },
        { os: "windows-latest", version: 12, environment: "production" },
        { os: "windows-latest", version: 14, environment: "staging" },
        { os: "windows-latest", version: 14, environment: "production" },
      ],
    ],
  ])("%s", (_name, matrix, expected) => {
    expect(expandMatrix(matrix)).toEqual(expected);
  });

  it("the fruit/animal example keeps key order as GitHub names the jobs", () => {
    const combos = expandMatrix({
      fruit: ["apple", "pear"],
      animal: ["cat", "dog"],
      include: [{ color: "green" }, { color: "pink", animal: "cat" }, { fruit: "apple", shape: "circle" }],
    });
    expect(combos.map((c) => matrixJobName("build", c))).toEqual([
      "build (apple, cat, pink, circle)",
      "build (apple, dog, green, circle)",
      "build (pear, cat, pink)",
      "build (pear, dog, green)",
    ]);
  });
});

describe("expandMatrix: include and exclude details", () => {
  it.each<[string, Value, Combination[]]>([
    [
      "exclude with a single key removes a whole row",
      { os: ["a", "b"], v: [1, 2], exclude: [{ os: "a" }] },
      [{ os: "b", v: 1 }, { os: "b", v: 2 }],
    ],
    [
      "exclude that matches nothing changes nothing",
      { os: ["a"], v: [1], exclude: [{ os: "z" }, { v: 9 }] },
      [{ os: "a", v: 1 }],
    ],
    [
      "exclude on a key the matrix lacks matches nothing",
      { os: ["a"], exclude: [{ os: "a", other: 1 }] },
      [{ os: "a" }],
    ],
    [
      "exclude compares object values by content",
      { node: [{ v: 1 }, { v: 2 }], exclude: [{ node: { v: 1 } }] },
      [{ node: { v: 2 } }],
    ],
    [
      "include runs after exclude: an excluded combination can be added back",
      { os: ["a", "b"], exclude: [{ os: "b" }], include: [{ os: "b", extra: true }] },
      [{ os: "a" }, { os: "b", extra: true }],
    ],
    [
      "exclude removing everything leaves only the includes",
      { os: ["a"], exclude: [{ os: "a" }], include: [{ os: "c" }] },
      [{ os: "c" }],
    ],
    [
      "added (non-original) values may be overwritten by a later include",
      { os: ["a", "b"], include: [{ color: "red" }, { os: "a", color: "blue" }] },
      [{ os: "a", color: "blue" }, { os: "b", color: "red" }],
    ],
    [
      "an include that would change an original value becomes its own combination",
      { os: ["a"], v: [1], include: [{ os: "a", v: 2 }] },
      [{ os: "a", v: 1 }, { os: "a", v: 2 }],
    ],
    [
      "an include without original keys merges into every combination",
      { os: ["a", "b"], include: [{ experimental: false }] },
      [{ os: "a", experimental: false }, { os: "b", experimental: false }],
    ],
  ])("%s", (_name, matrix, expected) => {
    expect(expandMatrix(matrix)).toEqual(expected);
  });

  it("does not modify its input", () => {
    const matrix = { os: ["a"], include: [{ os: "a", x: 1 }, { os: "b" }] };
    const copy = structuredClone(matrix);
    expandMatrix(matrix);
    expect(matrix).toEqual(copy);
  });
});

describe("expandMatrix: no matrix", () => {
  it.each<[string, Value | undefined]>([
    ["undefined", undefined],
    ["null", null],
    ["an empty mapping", {}],
    ["empty include and exclude", { include: [], exclude: [] }],
    ["null include and exclude", { include: null, exclude: null }],
  ])("%s gives []", (_name, matrix) => {
    expect(expandMatrix(matrix)).toEqual([]);
  });
});

describe("expandMatrix: errors", () => {
  it.each<[string, Value, RegExp]>([
    ["a scalar matrix", "ubuntu", /strategy\.matrix must be a mapping/],
    ["a list matrix", ["a", "b"], /strategy\.matrix must be a mapping/],
    ["a scalar vector", { os: "ubuntu" }, /strategy\.matrix\.os must be a list/],
    ["a mapping vector", { os: { a: 1 } }, /strategy\.matrix\.os must be a list/],
    ["a null vector", { os: null }, /strategy\.matrix\.os must be a list/],
    ["an empty vector", { os: [] }, /strategy\.matrix\.os must not be an empty list/],
    ["a scalar include", { os: ["a"], include: "x" }, /strategy\.matrix\.include must be a list/],
    ["a mapping exclude", { os: ["a"], exclude: { os: "a" } }, /strategy\.matrix\.exclude must be a list/],
    ["a scalar include entry", { os: ["a"], include: ["x"] }, /each strategy\.matrix\.include entry must be a mapping/],
    ["a list exclude entry", { os: ["a"], exclude: [["a"]] }, /each strategy\.matrix\.exclude entry must be a mapping/],
  ])("%s", (_name, matrix, message) => {
    expect(() => expandMatrix(matrix)).toThrow(MatrixError);
    expect(() => expandMatrix(matrix)).toThrow(message);
  });
});

describe("filterMatrix", () => {
  const combos: Combination[] = [
    { os: "ubuntu", node: 18 },
    { os: "ubuntu", node: 20 },
    { os: "macos", node: 18 },
    { os: "macos", node: 20, experimental: true },
  ];
  const filters = (entries: Array<[string, string[]]>): Map<string, Set<string>> => new Map(entries.map(([k, v]) => [k, new Set(v)]));

  it.each<[string, Array<[string, string[]]>, Combination[]]>([
    ["no filters keeps everything", [], combos],
    ["one key, one value", [["os", ["ubuntu"]]], [combos[0]!, combos[1]!]],
    ["numbers compare as their text", [["node", ["20"]]], [combos[1]!, combos[3]!]],
    ["several values of one key are alternatives", [["node", ["18", "20"]]], combos],
    ["several keys must all match", [["os", ["macos"]], ["node", ["18"]]], [combos[2]!]],
    ["a key a combination lacks does not exclude it", [["experimental", ["false"]]], [combos[0]!, combos[1]!, combos[2]!]],
    ["a value nothing has removes everything", [["os", ["windows"]]], []],
  ])("%s", (_name, entries, expected) => {
    expect(filterMatrix(combos, filters(entries))).toEqual(expected);
  });
});

describe("matrixJobName", () => {
  it.each<[string, Combination, string]>([
    ["build", {}, "build"],
    ["build", { os: "ubuntu-latest" }, "build (ubuntu-latest)"],
    ["test", { os: "ubuntu-latest", node: 20 }, "test (ubuntu-latest, 20)"],
    ["test", { flag: true, nothing: null, ratio: 1.5 }, "test (true, , 1.5)"],
    ["test", { node: { version: 20 } }, 'test ({"version":20})'],
    ["test", { list: [1, 2] }, "test ([1,2])"],
  ])("%s with %j is %j", (base, combo, expected) => {
    expect(matrixJobName(base, combo)).toBe(expected);
  });
});

describe("evaluateMatrix", () => {
  const contexts: Contexts = {
    needs: { setup: { outputs: { versions: '["18","20"]', matrix: '{"os":["a","b"],"include":[{"os":"a","x":1}]}', one: "22" } } },
    env: { OS: "ubuntu-latest" },
  };

  it.each<[string, unknown, Value]>([
    [
      "a sole-expression list item is spliced into the vector",
      { node: ["16", "${{ fromJSON(needs.setup.outputs.versions) }}"] },
      { node: ["16", "18", "20"] },
    ],
    [
      "a sole expression yielding a scalar stays one item, with its type",
      { node: ["${{ fromJSON(needs.setup.outputs.one) }}", "${{ needs.setup.outputs.one }}"] },
      { node: [22, "22"] },
    ],
    [
      "mixed text is not spliced",
      { label: ["v${{ needs.setup.outputs.one }}", "x-${{ fromJSON(needs.setup.outputs.versions) }}"] },
      { label: ["v22", "x-Array"] },
    ],
    [
      "a vector given as one expression",
      { node: "${{ fromJSON(needs.setup.outputs.versions) }}" },
      { node: ["18", "20"] },
    ],
    [
      "include and exclude are evaluated but never spliced",
      { os: ["${{ env.OS }}"], include: "${{ fromJSON('[{\"os\":\"x\"}]') }}", exclude: [{ os: "${{ env.OS }}" }] },
      { os: ["ubuntu-latest"], include: [{ os: "x" }], exclude: [{ os: "ubuntu-latest" }] },
    ],
    [
      "the whole matrix as one expression",
      "${{ fromJSON(needs.setup.outputs.matrix) }}",
      { os: ["a", "b"], include: [{ os: "a", x: 1 }] },
    ],
    ["no matrix", undefined, null],
    ["null", null, null],
  ])("%s", (_name, raw, expected) => {
    expect(evaluateMatrix(raw, contexts)).toEqual(expected);
  });

  it("feeds expandMatrix", () => {
    const matrix = evaluateMatrix({ node: ["${{ fromJSON(needs.setup.outputs.versions) }}"], os: ["${{ env.OS }}"] }, contexts);
    expect(expandMatrix(matrix)).toEqual([
      { node: "18", os: "ubuntu-latest" },
      { node: "20", os: "ubuntu-latest" },
    ]);
  });

  it("throws ExpressionError for a bad expression", () => {
    expect(() => evaluateMatrix({ os: ["${{ nosuch() }}"] }, contexts)).toThrow(ExpressionError);
  });
});
