import { describe, expect, it } from "vitest";
import { nextLink } from "./link-header.js";

const base = "http://reg.example:5000/v2/app/tags/list";

describe("nextLink", () => {
  it.each([
    ["a relative next link", '</v2/app/tags/list?n=2&last=b>; rel="next"', "http://reg.example:5000/v2/app/tags/list?n=2&last=b"],
    ["an unquoted rel", "</v2/app/tags/list?last=b>; rel=next", "http://reg.example:5000/v2/app/tags/list?last=b"],
    ["an absolute next link", '<https://other.example/v2/x?last=z>; rel="next"', "https://other.example/v2/x?last=z"],
    ["next among other links", '</first>; rel="first", </v2/next?n=1>; rel="next"', "http://reg.example:5000/v2/next?n=1"],
    ["several relation types", '</v2/n>; rel="prefetch next"', "http://reg.example:5000/v2/n"],
    ["no next link", '</first>; rel="first"', undefined],
    ["no header", null, undefined],
  ])("reads %s", (_case, header, expected) => {
    expect(nextLink(header, base)).toBe(expected);
  });
});
