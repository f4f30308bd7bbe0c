import { describe, expect, it } from "vitest";
import { parseDigest } from "./digest.js";

const hex = "a".repeat(64);

describe("parseDigest", () => {
  it("accepts sha256 and names what is wrong with anything else", () => {
    expect(parseDigest(`sha256:${hex}`)).toBe(`sha256:${hex}`);
    expect(() => parseDigest(`sha512:${"b".repeat(128)}`)).toThrow(expect.objectContaining({ code: "UNSUPPORTED" }));
    expect(() => parseDigest(`sha256:${hex.toUpperCase()}`)).toThrow(expect.objectContaining({ code: "DIGEST_INVALID" }));
    expect(() => parseDigest("sha256:abc")).toThrow(expect.objectContaining({ code: "DIGEST_INVALID" }));
    expect(() => parseDigest("nonsense")).toThrow(expect.objectContaining({ code: "DIGEST_INVALID" }));
    expect(() => parseDigest(undefined)).toThrow(expect.objectContaining({ code: "DIGEST_INVALID" }));
  });
});
