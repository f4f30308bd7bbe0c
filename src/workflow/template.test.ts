import { describe, it, expect } from "vitest";
import { ExpressionError, evaluate, stringify, truthy } from "./expressions.js";
import type { Contexts, ExtraFunction, Value } from "./expressions.js";
import { conditionOf, hasExpression, interpolate, interpolateString, soleExpression, splitTemplate } from "./template.js";
import type { Segment } from "./template.js";

const contexts: Contexts = {
  github: { ref: "refs/heads/main", sha: "abc123", event: { number: 7 } },
  env: { NAME: "Mona", JSON: '{"a":[1,2],"b":true}' },
  matrix: { os: "ubuntu-latest", node: 20 },
};

describe("splitTemplate", () => {
  it.each<[string, Segment[]]>([
    ["no expressions", [{ literal: "no expressions" }]],
    ["", []],
    ["${{ github.ref }}", [{ expression: "github.ref" }]],
    ["${{github.ref}}", [{ expression: "github.ref" }]],
    ["ref: ${{ github.ref }}!", [{ literal: "ref: " }, { expression: "github.ref" }, { literal: "!" }]],
    ["${{ a }}${{ b }}", [{ expression: "a" }, { expression: "b" }]],
    ["${{ a }} and ${{ b }}", [{ expression: "a" }, { literal: " and " }, { expression: "b" }]],
    // "}}" inside a single-quoted string does not end the expression.
    ["${{ 'x}}y' }}", [{ expression: "'x}}y'" }]],
    ["a ${{ format('{{0}}', 1) }} b", [{ literal: "a " }, { expression: "format('{{0}}', 1)" }, { literal: " b" }]],
    // '' is an escaped quote, so the string continues past it.
    ["${{ 'it''s }} here' }}-", [{ expression: "'it''s }} here'" }, { literal: "-" }]],
    // "${{" with no closing "}}" stays literal text.
    ["echo ${{ unterminated", [{ literal: "echo ${{ unterminated" }]],
    ["${{ a }} then ${{ b", [{ expression: "a" }, { literal: " then ${{ b" }]],
    ["$ {{ not an expression }}", [{ literal: "$ {{ not an expression }}" }]],
  ])("%j", (text, expected) => {
    expect(splitTemplate(text)).toEqual(expected);
  });
});

describe("hasExpression and soleExpression", () => {
  it.each<[string, boolean, string | undefined]>([
    ["plain", false, undefined],
    ["${{ x }}", true, "x"],
    ["  ${{ x }}  ", true, "x"],
    ["${{ x }} y", true, undefined],
    ["${{ x }}${{ y }}", true, undefined],
    ["${{ 'a}}b' }}", true, "'a}}b'"],
    ["${{ broken", false, undefined],
  ])("%j: hasExpression %s, soleExpression %j", (text, has, sole) => {
    expect(hasExpression(text)).toBe(has);
    expect(soleExpression(text)).toBe(sole);
  });
});

describe("interpolate: a sole expression keeps its type", () => {
  it.each<[string, Value]>([
    ["${{ 1 }}", 1],
    ["${{ github.event.number }}", 7],
    ["${{ true }}", true],
    ["${{ null }}", null],
    ["${{ github.missing }}", null],
    ["${{ matrix.node }}", 20],
    ["${{ fromJSON(env.JSON) }}", { a: [1, 2], b: true }],
    ["${{ fromJSON('[1, \"two\"]') }}", [1, "two"]],
    ["${{ matrix }}", { os: "ubuntu-latest", node: 20 }],
    ["${{ 'x}}y' }}", "x}}y"],
  ])("%j evaluates to %j", (text, expected) => {
    expect(interpolate(text, contexts)).toEqual(expected);
  });
});

describe("interpolate: mixed text becomes a string", () => {
  it.each<[string, string]>([
    ["no expressions here", "no expressions here"],
    ["Hello ${{ env.NAME }}!", "Hello Mona!"],
    ["v${{ matrix.node }}", "v20"],
    ["${{ matrix.os }}-node${{ matrix.node }}", "ubuntu-latest-node20"],
    ["[${{ null }}]", "[]"],
    ["[${{ github.missing }}]", "[]"],
    ["${{ true }} and ${{ false }}", "true and false"],
    ["n=${{ 1.50 }}", "n=1.5"],
    ["x ${{ 'a}}b' }} y", "x a}}b y"],
    ["${{ github.ref }}${{ github.sha }}", "refs/heads/mainabc123"],
    // An object or array inside text renders as its kind, as GitHub does.
    ["m=${{ matrix }}", "m=Object"],
    ["l=${{ fromJSON('[1]') }}", "l=Array"],
    ["left ${{ unclosed", "left ${{ unclosed"],
  ])("%j renders %j", (text, expected) => {
    expect(interpolate(text, contexts)).toBe(expected);
  });
});

describe("interpolate: nested values", () => {
  it("walks objects and arrays, keeping non-string scalars", () => {
    const raw = {
      name: "build ${{ matrix.os }}",
      count: 3,
      enabled: false,
      nothing: null,
      list: ["${{ matrix.node }}", "node-${{ matrix.node }}", 5, ["${{ true }}"]],
      nested: { deep: { value: "${{ fromJSON(env.JSON).a }}" } },
      "key-${{ matrix.node }}": "${{ github.event.number }}",
    };
    expect(interpolate(raw, contexts)).toEqual({
      name: "build ubuntu-latest",
      count: 3,
      enabled: false,
      nothing: null,
      list: [20, "node-20", 5, [true]],
      nested: { deep: { value: [1, 2] } },
      "key-20": 7,
    });
  });

  it.each<[unknown, Value]>([
    [undefined, null],
    [null, null],
    [42, 42],
    [true, true],
    [[], []],
    [{}, {}],
  ])("interpolate(%j) is %j", (raw, expected) => {
    expect(interpolate(raw, contexts)).toEqual(expected);
  });

  it("passes extra functions through", () => {
    const fns: ExtraFunction[] = [{ name: "hashFiles", minArgs: 1, maxArgs: 255, call: (...args: Value[]) => `h(${args.map((a) => stringify(a)).join(",")})` }];
    expect(interpolate({ key: "cache-${{ hashFiles('a', 'b') }}" }, contexts, fns)).toEqual({ key: "cache-h(a,b)" });
  });

  it("throws ExpressionError for an invalid expression", () => {
    expect(() => interpolate("x ${{ 1 + }}", contexts)).toThrow(ExpressionError);
    expect(() => interpolate(["${{ nosuchfn() }}"], contexts)).toThrow(ExpressionError);
  });
});

describe("interpolateString", () => {
  it.each<[unknown, string]>([
    ["${{ matrix.node }}", "20"],
    ["${{ true }}", "true"],
    ["${{ null }}", ""],
    ["${{ matrix }}", "Object"],
    [undefined, ""],
    [12, "12"],
    ["plain", "plain"],
  ])("%j renders %j", (raw, expected) => {
    expect(interpolateString(raw, contexts)).toBe(expected);
  });
});

describe("conditionOf", () => {
  it.each<[string | undefined, string]>([
    [undefined, ""],
    ["", ""],
    ["github.ref == 'refs/heads/main'", "github.ref == 'refs/heads/main'"],
    ["${{ github.ref == 'refs/heads/main' }}", "github.ref == 'refs/heads/main'"],
    ["  ${{ always() }}  ", "always()"],
    ["${{ contains(github.ref, '}}') }}", "contains(github.ref, '}}')"],
  ])("%j gives %j", (raw, expected) => {
    expect(conditionOf(raw)).toBe(expected);
  });

  // `if: ${{ false }} && x` is text mixed with an expression: a non-empty string, hence true.
  it.each<[string, boolean]>([
    ["${{ false }} && false", true],
    ["${{ github.ref == 'nope' }} || ${{ false }}", true],
    ["${{ false }}", false],
    ["false", false],
    ["${{ github.ref == 'refs/heads/main' }}", true],
    ["github.ref == 'refs/heads/other'", false],
    ["it's ${{ false }}", true],
  ])("if: %j evaluates as %s", (raw, expected) => {
    expect(truthy(evaluate(conditionOf(raw), contexts))).toBe(expected);
  });
});
