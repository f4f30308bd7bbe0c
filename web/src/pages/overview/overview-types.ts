/** The Repository and Application resources as `/api/v1/resources/:kind` answers them (the fields the overview reads). */
export type RepositoryResource = { metadata: { name: string }; spec: { url?: string; branches?: string[] } };
export type ApplicationResource = {
  metadata: { name: string };
  status?: { sync?: { status?: string; appliedRevision?: string | null }; health?: { status?: string; message?: string } } | null;
};
