import { describe, expect, it } from "vitest";
import { ArtifactError } from "./artifact-error.js";
import { formatReference, parseArtifactReference } from "./reference.js";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseArtifactReference", () => {
  it.each([
    ["app", { name: "app" }],
    ["app:1.0.0", { name: "app", tag: "1.0.0" }],
    ["team/app:v2_rc-1", { name: "team/app", tag: "v2_rc-1" }],
    [`app@${DIGEST}`, { name: "app", digest: DIGEST }],
  ])("reads %s", (text, expected) => {
    const parsed = parseArtifactReference(text);

    expect(parsed).toEqual(expected);
    expect(formatReference(parsed)).toBe(text);
  });

  it.each([
    ["App:1", /"App" is not a repository name/],
    ["app:", /"" is not a version/],
    ["app:-1", /"-1" is not a version/],
    ["app@sha256:abc", /"sha256:abc" is not a sha256 digest/],
    ["app:1@" + DIGEST, /"app:1" is not a repository name/],
    ["", /"" is not a repository name/],
  ])("refuses %s", (text, message) => {
    expect(() => parseArtifactReference(text)).toThrow(ArtifactError);
    expect(() => parseArtifactReference(text)).toThrow(message);
  });
});
