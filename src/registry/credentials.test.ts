import { describe, expect, it } from "vitest";
import { tokenFromAuthorization } from "./credentials.js";

describe("tokenFromAuthorization", () => {
  const basic = (s: string): string => `Basic ${Buffer.from(s).toString("base64")}`;
  it.each([
    [basic("anyuser:ferry_abc"), "ferry_abc"], [basic("x:pa:ss"), "pa:ss"], ["Bearer ferry_tok", "ferry_tok"],
    [basic("user:"), undefined], [basic("nocolon"), undefined], ["Digest abc", undefined], [undefined, undefined],
  ])("%s → %s", (header, token) => expect(tokenFromAuthorization(header)).toBe(token));
});
