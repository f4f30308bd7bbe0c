// What the HTTP API answers: the one definition the server is checked against and the CLI and the
// dashboard read (the dashboard imports these as types only). Plain types, no imports.

// The runs API: `GET /api/v1/runs`, `/api/v1/runs/:id`.
export type RunSummary = {
  id: number; repository: string; runNumber: number; workflow: { file: string; name: string };
  event: string; ref: string; branch: string; sha: string; actor: string;
  status: "queued" | "in_progress" | "completed"; conclusion: string | null; reason: string | null;
  createdAt: string; startedAt: string | null; completedAt: string | null; durationMs: number | null;
};

export type StepSummary = { number: number; name: string; status: string; conclusion: string | null; started_at: string | null; completed_at: string | null };

export type JobSummary = {
  id: number; runId: number; jobId: string; name: string; status: string; conclusion: string | null; reason: string | null;
  labels: string[]; runner: string | null; outputs: Record<string, unknown>; createdAt: string; startedAt: string | null; completedAt: string | null; durationMs: number | null;
  steps: StepSummary[];
};

export type GraphNode = { id: string; name: string; needs: string[]; status: string; result: string | null };

export type RunAnnotation = { jobId: number; seq: number; level: string; message: string; file?: string; line?: number; col?: number; step?: string };

export type RunDetail = RunSummary & { jobs: JobSummary[]; annotations: RunAnnotation[]; graph: GraphNode[] };

export type Page<T> = { items: T[]; next: number | string | null };
