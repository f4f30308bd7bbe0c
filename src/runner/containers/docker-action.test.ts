import { describe, expect, it } from "vitest";
import { dockerActionImage } from "./docker-action.js";

describe("dockerActionImage", () => {
  it("uses a docker:// image as it is", () => {
    expect(dockerActionImage("docker://localhost/tool:2", "/a")).toEqual({ kind: "image", image: "localhost/tool:2" });
  });

  it("builds a Dockerfile of the action in its own directory, tagged by its path", () => {
    const b = dockerActionImage("build/Dockerfile", "/actions/x");
    expect(b).toMatchObject({ kind: "build", dockerfile: "/actions/x/build/Dockerfile", contextDir: "/actions/x/build" });
    expect(b.kind === "build" && b.tag).toMatch(/^localhost\/ferry-action-[0-9a-f]{16}:latest$/);
    expect(dockerActionImage("Dockerfile", "/actions/y")).not.toEqual(dockerActionImage("Dockerfile", "/actions/x"));
  });
});
