import { ANNOTATIONS } from "./media-types.js";

/** Where an artifact came from: the Git repository, commit, workflow run and job that built it. */
export type Provenance = { repository?: string; commit?: string; run?: string; job?: string };

const fields = ["repository", "commit", "run", "job"] as const;

/** The variables a workflow step sees (Ferry's runner sets them as GitHub Actions does). */
const fromEnvironment: Record<(typeof fields)[number], string> = {
  repository: "GITHUB_REPOSITORY", commit: "GITHUB_SHA", run: "GITHUB_RUN_ID", job: "GITHUB_JOB",
};

/** Each field from `given`, else from the workflow step's environment; empty values count as unset. */
export function resolveProvenance(given: Provenance, env: Readonly<Record<string, string | undefined>>): Provenance {
  const out: Provenance = {};
  for (const f of fields) {
    const value = given[f] || env[fromEnvironment[f]];
    if (value) out[f] = value;
  }
  return out;
}

export function provenanceAnnotations(p: Provenance): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) if (p[f] !== undefined) out[ANNOTATIONS[f]] = p[f];
  return out;
}

export function provenanceFromAnnotations(annotations: Readonly<Record<string, string>>): Provenance {
  const out: Provenance = {};
  for (const f of fields) {
    const value = annotations[ANNOTATIONS[f]];
    if (value !== undefined) out[f] = value;
  }
  return out;
}
