import { describe, expect, it } from "vitest";
import { gitUrlProblem } from "./git-url-problem.js";

describe("gitUrlProblem", () => {
  it.each([
    "https://example.com/acme/shop.git",
    "http://localhost:3000/acme/shop",
    "HTTPS://example.com/acme/shop.git",
    "https://bot@example.com/acme/shop.git",
    "ssh://git@example.com:2222/acme/shop.git",
    "git://example.com/acme/shop.git",
    "file:///srv/git/shop.git",
    "git@example.com:acme/shop.git",
    "example.com:acme/shop.git",
    "git@gitlab.example.com:group/sub/shop.git",
    "/srv/git/shop.git",
    "/home/me/my repos/shop",
  ])("accepts %s", (url) => {
    expect(gitUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ["", "must be a Git URL"],
    ["shop", "must be a Git URL"],
    ["./shop", "must be a Git URL"],
    ["../shop", "must be a Git URL"],
    ["ftp://example.com/shop.git", 'unsupported scheme "ftp://"'],
    ["https://", "not a valid URL"],
    ["https://bot:token@example.com/shop.git", "must not contain a password"],
    ["file://", "must name a path"],
    ["C:/repos/shop", "Windows path"],
    ["-oProxyCommand=touch:x", "must not start with '-'"],
    ["git@-oProxyCommand=x:y", "must not start with '-'"],
    ["ssh://-oProxyCommand=x/shop", "must not start with '-'"],
    ["/srv/shop\ngit@evil:x", "control characters"],
  ])("rejects %j", (url, message) => {
    expect(gitUrlProblem(url)).toContain(message);
  });
});
