import { describe, expect, it } from "vitest";
import { parseGitHttpPath } from "./parse-git-http-path.js";

describe("parseGitHttpPath", () => {
  it.each([
    ["owner/app.git/info/refs", { name: "owner/app", pathInfo: "/info/refs" }],
    ["/owner/app/git-upload-pack", { name: "owner/app", pathInfo: "/git-upload-pack" }],
    ["app/git-receive-pack", { name: "app", pathInfo: "/git-receive-pack" }],
    ["app.git/HEAD", null],
    ["app.git/objects/info/packs", null],
    ["../etc/info/refs", null],
    ["/info/refs", null],
    ["own%2Fer/app/info/refs", null],
  ])("%s", (input, expected) => {
    expect(parseGitHttpPath(input)).toEqual(expected);
  });
});
