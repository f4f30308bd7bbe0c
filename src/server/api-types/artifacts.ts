// What the HTTP API answers: the one definition the server is checked against and the CLI and the
// dashboard read (the dashboard imports these as types only). Plain types, no imports.

// `GET /api/v1/artifacts/catalog`.

export type ArtifactRun = { id: number; repository: string; runNumber: number; workflow: string; sha: string; ref: string; event: string; job?: string; jobName?: string };

export type ArtifactVersion = {
  tag: string;
  digest: string;
  pushedAt: string;
  created: string | null;
  mediaType: string | null;
  artifactType: string | null;
  /** The content: the sum of the layers; null when the manifest could not be read. */
  size: number | null;
  provenance: { repository?: string; commit?: string; run?: string; job?: string };
  /** The CI run that pushed it, when a job of a run did. */
  run: ArtifactRun | null;
};

export type CatalogEntry = { name: string; kind: "artifact" | "image"; versionCount: number; versions: ArtifactVersion[] };

export type Catalog = { items: CatalogEntry[]; next: string | null };
