import { describe, expect, it } from "vitest";
import { referencedArtifacts } from "./referenced-artifacts.js";

const D1 = `sha256:${"1".repeat(64)}`;
const D2 = `sha256:${"2".repeat(64)}`;
const D3 = `sha256:${"3".repeat(64)}`;

describe("referencedArtifacts", () => {
  it("collects what freight pins and what running Services name, by digest or by repository and tag", () => {
    const refs = referencedArtifacts(
      [{ data: { artifacts: [{ repoURL: "localhost:8420/team/web", digest: D1 }], images: [{ repoURL: "docker.io/library/nginx", digest: D2 }] } }],
      [
        { status: { services: [{ name: "web", artifact: `127.0.0.1:8420/team/web@${D3}` }, { name: "api", artifact: "127.0.0.1:8420/team/api:1.4.0" }] } },
        { status: { services: [{ name: "db", artifact: "postgres:16" }, { name: "x" }] } },
        {},
      ],
    );
    expect([...refs.digests].sort()).toEqual([D1, D2, D3]);
    expect([...refs.tags].sort()).toEqual(["postgres:16", "team/api:1.4.0"]);
  });
});
