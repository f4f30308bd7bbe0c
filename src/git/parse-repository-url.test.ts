import { describe, expect, it } from "vitest";
import { parseRepositoryUrl } from "./parse-repository-url.js";

describe("parseRepositoryUrl", () => {
  it.each([
    ["https://example.com/acme/shop.git", "acme/shop"],
    ["https://example.com/acme/shop", "acme/shop"],
    ["https://user:token@example.com:8443/acme/shop.git/", "acme/shop"],
    ["http://example.com/acme/shop.git", "acme/shop"],
    ["ssh://git@example.com/acme/shop.git", "acme/shop"],
    ["ssh://git@example.com:2222/acme/shop.git", "acme/shop"],
    ["git://example.com/acme/shop.git", "acme/shop"],
    ["git@example.com:acme/shop.git", "acme/shop"],
    ["example.com:acme/shop", "acme/shop"],
    ["git@gitlab.example.com:group/sub/shop.git", "sub/shop"],
  ])("%s -> %s", (url, expected) => {
    expect(parseRepositoryUrl(url)).toBe(expected);
  });

  it.each([
    "/srv/git/acme/shop.git",
    "../shop",
    "./acme:shop/x",
    "file:///srv/git/acme/shop.git",
    "C:/repos/acme/shop",
    "https://example.com/shop.git",
    "git@example.com:shop.git",
    "",
  ])("rejects %s", (url) => {
    expect(parseRepositoryUrl(url)).toBeNull();
  });
});
