import { describe, it, expect } from "vitest";
import { createMasker } from "./masker.js";

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

describe("createMasker", () => {
  it.each<[string, string[], string, string]>([
    ["no secrets", [], "nothing to hide", "nothing to hide"],
    ["plain secret", ["hunter2"], "password is hunter2!", "password is ***!"],
    ["every occurrence", ["abc"], "abc abc xabcx", "*** *** x***x"],
    ["single character", ["x"], "a x b", "a *** b"],
    ["empty secret ignored", [""], "text", "text"],
    ["case sensitive", ["Token"], "token Token", "token ***"],
    ["overlapping secrets", ["abcdef", "defghi"], "xxabcdefghixx", "xx***xx"],
    ["secret inside a longer one", ["secret", "secret-long"], "my secret-long and secret", "my *** and ***"],
    ["adjacent secrets", ["foo", "bar"], "foobar baz", "*** baz"],
    ["regex specials", ["a.b*c(d)[e]{f}|g^h$i\\j+k?l/m-n"], "<a.b*c(d)[e]{f}|g^h$i\\j+k?l/m-n>", "<***>"],
    ["specials are literal", ["a.b", "x+"], "axb a.b xx x+", "axb *** xx ***"],
    ["unicode", ["päss🔑"], "pw=päss🔑;", "pw=***;"],
    ["JSON-escaped form", ['pa"ss\nword'], '{"pw":"pa\\"ss\\nword"}', '{"pw":"***"}'],
    ["URI-encoded form", ["p@ss w/rd"], "https://u:p%40ss%20w%2Frd@host/", "https://u:***@host/"],
    ["base64 form", ["hunter2"], `auth: ${b64("hunter2")}`, "auth: ***"],
  ])("%s", (_name, secrets, text, expected) => {
    expect(createMasker(secrets).mask(text)).toBe(expected);
  });

  it("masks each line of a multi-line secret on its own", () => {
    const m = createMasker(["-----BEGIN KEY-----\r\nMIIEabc123\nsecondline\n\n   \n-----END KEY-----\n"]);
    expect(m.mask("MIIEabc123")).toBe("***");
    expect(m.mask("got secondline here")).toBe("got *** here");
    expect(m.mask("-----BEGIN KEY-----")).toBe("***");
    // Whitespace-only lines are not secrets.
    expect(m.mask("a   b")).toBe("a   b");
    // A line still carrying its \r is caught through the bare line.
    expect(m.mask("-----BEGIN KEY-----\r")).toBe("***\r");
  });

  it.each(["", "a", "ab", "abc", "abcd", "abcde"])("masks the secret inside a longer base64 string (prefix %j)", (prefix) => {
    const secret = "correct-horse-battery";
    const m = createMasker([secret]);
    for (const suffix of ["", "z", "zy", "zyx"]) {
      const encoded = b64(`${prefix}${secret}${suffix}`);
      const masked = m.mask(`data=${encoded};`);
      // Only the few characters that mix secret and surrounding bytes stay.
      expect(masked).toMatch(/^data=[A-Za-z0-9+/]{0,8}\*\*\*[A-Za-z0-9+/=]{0,8};$/);
    }
  });

  it("leaves base64 of unrelated text alone", () => {
    const m = createMasker(["correct-horse-battery"]);
    const other = b64("an unrelated piece of text");
    expect(m.mask(other)).toBe(other);
  });

  it("does not mask tiny base64 fragments of short secrets", () => {
    const m = createMasker(["ab"]);
    expect(m.mask("YWI=")).toBe("***");
    expect(m.mask("Ji")).toBe("Ji");
  });

  it("picks up secrets added after masking", () => {
    const m = createMasker();
    expect(m.size).toBe(0);
    expect(m.mask("one two")).toBe("one two");
    m.add("one");
    const size = m.size;
    expect(size).toBeGreaterThan(0);
    expect(m.mask("one two")).toBe("*** two");
    m.add("one");
    expect(m.size).toBe(size);
    m.add("two");
    expect(m.size).toBeGreaterThan(size);
    expect(m.mask("one two three")).toBe("*** *** three");
  });

  it("is fast on long lines", () => {
    const m = createMasker(Array.from({ length: 200 }, (_, i) => `secret-value-${i}-${"x".repeat(i % 7)}`));
    const line = `${"lorem ipsum dolor sit amet ".repeat(400)}secret-value-42-`;
    const started = performance.now();
    for (let i = 0; i < 200; i++) m.mask(line);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(m.mask(line).endsWith("***")).toBe(true);
  });
});
