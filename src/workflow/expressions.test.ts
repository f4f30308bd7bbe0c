import { describe, it, expect } from "vitest";
import { ExpressionError, evaluate, stringify, truthy, withImplicitSuccess } from "./expressions.js";
import type { Contexts, ExtraFunction, Value } from "./expressions.js";

// Semantics from GitHub's "Evaluate expressions in workflows and actions" reference.

const contexts: Contexts = {
  github: {
    ref: "refs/heads/main",
    event_name: "push",
    event: {
      commits: [
        { id: "c1", message: "first" },
        { id: "c2", message: "second" },
        { message: "no id here" },
      ],
      issue: { labels: [{ name: "bug" }, { name: "help wanted" }] },
    },
  },
  env: { NUM: "42", EMPTY: "", CONTINUE: "true", TIME: "3", MATRIX: '{"include":[{"project":"foo"}]}' },
  fruits: [
    { name: "apple", quantity: 1 },
    { name: "orange", quantity: 2 },
    { name: "pear", quantity: 1 },
  ],
  vegetables: {
    scallions: { colors: ["green", "white", "red"], ediblePortions: ["roots", "stalks"] },
    beets: { colors: ["purple", "red", "gold", "white", "pink"], ediblePortions: ["roots", "stems", "leaves"] },
    artichokes: { colors: ["green", "purple", "red", "black"], ediblePortions: ["hearts", "stems", "leaves"] },
  },
  obj: { inner: { k: 1 } },
};

const run = (expression: string, fns: readonly ExtraFunction[] = []): Value => evaluate(expression, contexts, fns);

describe("literals", () => {
  it.each<[string, Value]>([
    ["null", null],
    ["true", true],
    ["false", false],
    ["711", 711],
    ["-9.2", -9.2],
    ["0xff", 255],
    ["-2.99e-2", -0.0299],
    ["'Mona the Octocat'", "Mona the Octocat"],
    ["'It''s open source!'", "It's open source!"],
    ["''", ""],
  ])("%s evaluates to %j", (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });
});

describe("comparison operators: loose equality, numeric coercion, case-insensitive strings", () => {
  it.each<[string, boolean]>([
    // Mismatched types are coerced to numbers.
    ["'1' == 1", true],
    ["1 == '1'", true],
    ["'1.0' == 1", true],
    ["' 42 ' == 42", true],
    ["'0xff' == 255", true],
    ["null == 0", true],
    ["'' == 0", true],
    ["true == 1", true],
    ["false == 0", true],
    ["true == '1'", true],
    ["'abc' == 0", false],
    ["'abc' != 0", true],
    ["NaN == NaN", false],
    ["null == false", true],
    ["null == ''", true],
    ["env.NUM == 42", true],
    ["env.NUM > 41", true],
    // Strings are compared ignoring case.
    ["'abc' == 'ABC'", true],
    ["'abc' != 'ABC'", false],
    ["github.event_name == 'PUSH'", true],
    ["'a' < 'B'", true],
    ["'B' > 'a'", true],
    ["'abc' <= 'ABC'", true],
    // Two strings compare as strings, not numbers.
    ["'10' < '9'", true],
    ["'10' < 9", false],
    ["1 < 2", true],
    ["2 <= 2", true],
    ["3 >= 4", false],
    // Objects and arrays are equal only when they are the same instance.
    ["obj.inner == obj.inner", true],
    ["fromJSON('{}') == fromJSON('{}')", false],
    ["fromJSON('[1]') == fromJSON('[1]')", false],
  ])("%s is %s", (expression, expected) => {
    expect(run(expression)).toBe(expected);
  });
});

describe("logical operators return an operand, not a boolean", () => {
  it.each<[string, Value]>([
    ["1 && 'x'", "x"],
    ["'' && 'x'", ""],
    ["0 || 'y'", "y"],
    ["'a' || 'b'", "a"],
    ["null || null", null],
    ["!''", true],
    ["!'false'", false],
    ["!0", true],
    ["!null", true],
    ["!(1 == 2)", true],
    ["github.ref == 'refs/heads/main' && 'prod' || 'dev'", "prod"],
    ["github.ref == 'refs/heads/other' && 'prod' || 'dev'", "dev"],
  ])("%s evaluates to %j", (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });
});

describe("property dereference", () => {
  it.each<[string, Value]>([
    ["github.ref", "refs/heads/main"],
    ["github['ref']", "refs/heads/main"],
    ["github.REF", "refs/heads/main"],
    ["github.event.commits[0].id", "c1"],
    ["github.event.commits[1]['message']", "second"],
    ["obj.inner.k", 1],
    ["env.EMPTY", ""],
    // A missing property is null, and so is anything dereferenced from it.
    ["github.missing", null],
    ["github.missing.deeper.still", null],
    ["github.event.commits[10]", null],
    ["github.event.commits[10].id", null],
    ["env.NOPE", null],
    ["env.NUM.length", null],
  ])("%s evaluates to %j", (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it("a context given as undefined behaves as null", () => {
    expect(evaluate("matrix.os", { matrix: undefined })).toBeNull();
  });

  // Outside a matrix job, in a push run without inputs, and so on, these still evaluate to null.
  it.each([["matrix.os"], ["inputs.name"], ["secrets.TOKEN"], ["needs.build.outputs.version"], ["steps.x.outputs.y"], ["matrix"]])(
    "%s is null when its context was not given",
    (expression) => {
      expect(evaluate(expression, {})).toBeNull();
    },
  );
});

describe("object filters (*)", () => {
  it.each<[string, Value]>([
    ["fruits.*.name", ["apple", "orange", "pear"]],
    ["fruits.*.quantity", [1, 2, 1]],
    // Items without the property are left out.
    ["github.event.commits.*.id", ["c1", "c2"]],
    ["github.event.commits.*.nope", []],
    ["github.event.issue.labels.*.name", ["bug", "help wanted"]],
    ["contains(github.event.commits.*.id, 'c2')", true],
    ["contains(github.event.commits.*.id, 'c3')", false],
    ["join(fruits.*.name, ', ')", "apple, orange, pear"],
  ])("%s evaluates to %j", (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });

  it("vegetables.*.ediblePortions collects from each value of an object (order not guaranteed)", () => {
    const result = run("vegetables.*.ediblePortions");
    expect(Array.isArray(result)).toBe(true);
    expect(result).toHaveLength(3);
    expect(result).toEqual(
      expect.arrayContaining([
        ["roots", "stalks"],
        ["hearts", "stems", "leaves"],
        ["roots", "stems", "leaves"],
      ]),
    );
  });
});

describe("functions", () => {
  it.each<[string, Value]>([
    // contains: substring (case-insensitive) or array element
    ["contains('Hello world', 'llo')", true],
    ["contains('Hello world', 'WORLD')", true],
    ["contains('Hello world', 'planet')", false],
    ["contains(fromJSON('[\"push\", \"pull_request\"]'), github.event_name)", true],
    ["contains(fromJSON('[\"bug\", \"help wanted\"]'), 'BUG')", true],
    ["contains(fromJSON('[\"bug\"]'), 'bu')", false],
    ["contains(github.event.issue.labels.*.name, 'bug')", true],
    // startsWith / endsWith: case-insensitive
    ["startsWith('Hello world', 'He')", true],
    ["startsWith('Hello world', 'he')", true],
    ["startsWith('Hello world', 'world')", false],
    ["startsWith(github.ref, 'refs/heads/')", true],
    ["endsWith('Hello world', 'ld')", true],
    ["endsWith('Hello world', 'LD')", true],
    ["endsWith('Hello world', 'Hello')", false],
    // format: {N} placeholders, {{ and }} escape braces
    ["format('Hello {0} {1} {2}', 'Mona', 'the', 'Octocat')", "Hello Mona the Octocat"],
    ["format('{{Hello {0} {1} {2}!}}', 'Mona', 'the', 'Octocat')", "{Hello Mona the Octocat!}"],
    ["format('{{0}} is {0}', 'x')", "{0} is x"],
    ["format('{0}{0}', 'ab')", "abab"],
    ["format('{0}|{1}|{2}|{3}', 1.5, true, null, 'x')", "1.5|true||x"],
    ["format('no placeholders')", "no placeholders"],
    // join: default separator ",", a string is returned as it is
    ["join(fromJSON('[\"a\", \"b\", \"c\"]'))", "a,b,c"],
    ["join(fromJSON('[\"a\", \"b\", \"c\"]'), ' | ')", "a | b | c"],
    ["join(fromJSON('[1, true, null]'), '-')", "1-true-"],
    ["join('abc', ',')", "abc"],
    ["join(fromJSON('[]'), ',')", ""],
    // toJSON: pretty-printed with two spaces
    ["toJSON(obj.inner)", '{\n  "k": 1\n}'],
    ["toJSON(fromJSON('[1, 2]'))", "[\n  1,\n  2\n]"],
    ["toJSON('text')", '"text"'],
    ["toJSON(1)", "1"],
    ["toJSON(true)", "true"],
    ["toJSON(null)", "null"],
    // fromJSON: any JSON value
    ["fromJSON('1.5')", 1.5],
    ["fromJSON(env.CONTINUE)", true],
    ["fromJSON(env.TIME)", 3],
    ["fromJSON('null')", null],
    ["fromJSON('\"s\"')", "s"],
    ["fromJSON(env.MATRIX)", { include: [{ project: "foo" }] }],
    ["fromJSON(env.MATRIX).include[0].project", "foo"],
    ["fromJSON(env.NUM) == 42", true],
    // Function names are case-insensitive.
    ["CONTAINS('abc', 'B')", true],
    ["fromjson('1')", 1],
    ["Format('{0}!', 'hi')", "hi!"],
  ])("%s evaluates to %j", (expression, expected) => {
    expect(run(expression)).toEqual(expected);
  });
});

describe("extra functions passed in", () => {
  const calls: Value[][] = [];
  const fns: ExtraFunction[] = [
    { name: "success", minArgs: 0, maxArgs: 0, call: () => true },
    { name: "failure", minArgs: 0, maxArgs: 0, call: () => false },
    {
      name: "hashFiles",
      minArgs: 1,
      maxArgs: 255,
      call: (...args: Value[]) => {
        calls.push(args);
        return `hash:${args.map(stringify).join("+")}`;
      },
    },
    { name: "answer", minArgs: 0, maxArgs: 0, call: () => ({ value: 42, list: [1, 2] }) },
  ];

  it.each<[string, Value]>([
    ["success()", true],
    ["SUCCESS()", true],
    ["success() && github.ref == 'refs/heads/main'", true],
    ["failure() || 'fallback'", "fallback"],
    ["hashFiles('**/package-lock.json')", "hash:**/package-lock.json"],
    ["hashFiles('a', 'b', 'c')", "hash:a+b+c"],
    ["format('key-{0}', hashFiles('x'))", "key-hash:x"],
    ["answer().value", 42],
    ["answer().list[1]", 2],
  ])("%s evaluates to %j", (expression, expected) => {
    expect(run(expression, fns)).toEqual(expected);
  });

  it("passes arguments as plain values", () => {
    calls.length = 0;
    run("hashFiles(github.ref, 1, true, null)", fns);
    expect(calls).toEqual([["refs/heads/main", 1, true, null]]);
  });

  it.each([
    ["success()"],
    ["hashFiles('x')"],
  ])("%s is unknown without the extra functions", (expression) => {
    expect(() => run(expression)).toThrow(ExpressionError);
  });

  it.each([
    ["success(1)"],
    ["hashFiles()"],
  ])("%s with the wrong number of arguments throws ExpressionError", (expression) => {
    expect(() => run(expression, fns)).toThrow(ExpressionError);
  });
});

describe("invalid expressions throw ExpressionError", () => {
  it.each([
    ["1 +"],
    ["\"double quotes\""],
    ["github.ref =="],
    ["(1 == 1"],
    ["unknownfunction()"],
    ["nosuchcontext.value"],
    ["contains('only one argument')"],
    ["startsWith('a', 'b', 'c')"],
    ["format('{1}', 'only arg 0')"],
    ["format('{0', 'x')"],
    ["fromJSON('{not json')"],
  ])("%s", (expression) => {
    let caught: unknown;
    try {
      run(expression);
    } catch (error: unknown) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect((caught as ExpressionError).expression).toBe(expression);
    expect((caught as ExpressionError).code).toBe("expression");
  });
});

describe("truthy: falsy values are false, 0, -0, '', null and NaN", () => {
  it.each<[Value, boolean]>([
    [false, false],
    [0, false],
    [-0, false],
    ["", false],
    [null, false],
    [Number.NaN, false],
    [true, true],
    [1, true],
    [-1, true],
    [0.5, true],
    ["false", true],
    ["0", true],
    [" ", true],
    [[], true],
    [{}, true],
    [[0], true],
  ])("truthy(%j) is %s", (value, expected) => {
    expect(truthy(value)).toBe(expected);
  });
});

describe("stringify: how values render inside strings", () => {
  it.each<[Value, string]>([
    [null, ""],
    [true, "true"],
    [false, "false"],
    [0, "0"],
    [-0, "0"],
    [711, "711"],
    [-9.2, "-9.2"],
    [1.5, "1.5"],
    [0.1, "0.1"],
    [123456789012, "123456789012"],
    // Numbers are rendered with up to 15 significant digits.
    [1 / 3, "0.333333333333333"],
    ["text", "text"],
    ["", ""],
    [[1, 2], "Array"],
    [{ a: 1 }, "Object"],
  ])("stringify(%j) is %j", (value, expected) => {
    expect(stringify(value)).toBe(expected);
  });

  it.each<[string, string]>([
    ["1.0", "1"],
    ["0xff", "255"],
    ["-2.99e-2", "-0.0299"],
    ["fromJSON('2.50')", "2.5"],
  ])("an evaluated %s renders as %j", (expression, expected) => {
    expect(stringify(run(expression))).toBe(expected);
  });
});

describe("withImplicitSuccess: success() && is added only when no status function is used", () => {
  it.each<[string, string]>([
    ["", "success()"],
    ["   ", "success()"],
    ["github.ref == 'refs/heads/main'", "success() && (github.ref == 'refs/heads/main')"],
    ["  github.event_name == 'push'  ", "success() && (github.event_name == 'push')"],
    ["a || b", "success() && (a || b)"],
    ["success()", "success()"],
    ["always()", "always()"],
    ["failure()", "failure()"],
    ["cancelled()", "cancelled()"],
    ["!cancelled()", "!cancelled()"],
    ["failure() && steps.x.outcome == 'failure'", "failure() && steps.x.outcome == 'failure'"],
    ["github.ref == 'x' || always()", "github.ref == 'x' || always()"],
    ["Always()", "Always()"],
    ["FAILURE ( )", "FAILURE ( )"],
    // A status function's name inside a string literal is not a call.
    ["contains(github.event.head_commit.message, 'always()')", "success() && (contains(github.event.head_commit.message, 'always()'))"],
    ["github.ref == 'it''s failure()'", "success() && (github.ref == 'it''s failure()')"],
    // Property names that merely contain the words are not status functions either.
    ["steps.build.outputs.failure_count == 0", "success() && (steps.build.outputs.failure_count == 0)"],
  ])("%j becomes %j", (condition, expected) => {
    expect(withImplicitSuccess(condition)).toBe(expected);
  });

  it("the wrapped condition still evaluates", () => {
    const fns: ExtraFunction[] = [
      { name: "success", minArgs: 0, maxArgs: 0, call: () => false },
      { name: "always", minArgs: 0, maxArgs: 0, call: () => true },
    ];
    expect(truthy(run(withImplicitSuccess("github.ref == 'refs/heads/main'"), fns))).toBe(false);
    expect(truthy(run(withImplicitSuccess("always() && github.ref == 'refs/heads/main'"), fns))).toBe(true);
  });
});
