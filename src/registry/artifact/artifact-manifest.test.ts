import { describe, expect, it } from "vitest";
import { ArtifactError } from "./artifact-error.js";
import { buildArtifactManifest, readArtifactManifest } from "./artifact-manifest.js";

const layer = { digest: `sha256:${"b".repeat(64)}`, size: 2048 };

describe("artifact manifests", () => {
  it("builds an OCI artifact: empty config, one tar layer, sorted annotations", () => {
    const m = buildArtifactManifest({
      name: "team/app", version: "1.0.0", layer, created: new Date("2025-01-02T03:04:05Z"),
      provenance: { repository: "acme/app", commit: "abc" }, annotations: { "com.example.team": "web" },
    });

    expect(m).toEqual({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      artifactType: "application/vnd.ferry.artifact.v1",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", size: 2 },
      layers: [{ mediaType: "application/vnd.ferry.artifact.layer.v1.tar", ...layer, annotations: { "org.opencontainers.image.title": "app-1.0.0.tar" } }],
      annotations: {
        "com.example.team": "web",
        "dev.ferry.commit": "abc",
        "dev.ferry.repository": "acme/app",
        "org.opencontainers.image.created": "2025-01-02T03:04:05.000Z",
        "org.opencontainers.image.title": "team/app",
        "org.opencontainers.image.version": "1.0.0",
      },
    });
    expect(Object.keys(m.annotations)).toEqual(Object.keys(m.annotations).sort());
    expect(readArtifactManifest(m, "team/app:1.0.0").layer.digest).toBe(layer.digest);
  });

  it.each([
    ["an index", { schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] }],
    ["an image with gzip layers", { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: layer.digest, size: 1 }, layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }] }],
    ["two layers", { schemaVersion: 2, config: { mediaType: "x", digest: layer.digest, size: 1 }, layers: [{ mediaType: "application/vnd.ferry.artifact.layer.v1.tar", ...layer }, { mediaType: "application/vnd.ferry.artifact.layer.v1.tar", ...layer }] }],
  ])("refuses to extract %s", (_case, json) => {
    expect(() => readArtifactManifest(json, "app:1")).toThrow(ArtifactError);
  });
});
