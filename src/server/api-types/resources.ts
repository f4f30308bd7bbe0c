// What the HTTP API answers: the one definition the server is checked against and the CLI and the
// dashboard read (the dashboard imports these as types only). Plain types, no imports.

// Resources as `/api/v1/resources/:kind` answers them (the fields the overview reads).
export type RepositoryResource = { metadata: { name: string }; spec: { url?: string; branches?: string[] } };
export type ApplicationResourceBrief = {
  metadata: { name: string };
  status?: { sync?: { status?: string; appliedRevision?: string | null }; health?: { status?: string; message?: string } } | null;
};
