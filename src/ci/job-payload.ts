import { z } from "zod";

/**
 * What the server hands a runner for one job instance. Job-level expressions that may read
 * secrets (env, outputs) stay unevaluated here: they are evaluated on the runner, which is the
 * only place secret values go, so no secret is ever stored with a job.
 */
export const jobPayloadSchema = z.object({
  runId: z.number(),
  jobId: z.string(),
  name: z.string(),
  steps: z.array(z.record(z.string(), z.unknown())),
  defaults: z.object({ shell: z.unknown().optional(), workingDirectory: z.unknown().optional() }),
  workflowEnv: z.unknown(),
  jobEnv: z.unknown(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  timeoutMinutes: z.unknown(),
  continueOnError: z.unknown(),
  contexts: z.object({
    github: z.record(z.string(), z.unknown()),
    vars: z.record(z.string(), z.unknown()),
    needs: z.record(z.string(), z.unknown()),
    matrix: z.record(z.string(), z.unknown()).nullable(),
    strategy: z.record(z.string(), z.unknown()),
    inputs: z.record(z.string(), z.unknown()),
  }),
  /** Names of the repository secrets the job's expressions mention; only these are handed over. */
  secretNames: z.array(z.string()),
  /** `container:` and `services:`, unevaluated (credentials may read secrets); the runner evaluates them. */
  container: z.unknown().optional(),
  services: z.unknown().optional(),
  /** Job-level `concurrency`, evaluated: the scheduler admits one job of a group at a time. */
  concurrency: z.object({ group: z.string(), cancelInProgress: z.boolean() }).optional(),
  /**
   * For a job of a called (reusable) workflow: the `secrets:` of each call on the way down, outermost
   * first, with the caller's `needs` and `inputs`. The runner maps the repository's secrets through
   * them, so a called job sees exactly the secrets its caller passed (all of them with `inherit`).
   */
  callSecrets: z.array(z.object({
    secrets: z.unknown(),
    needs: z.record(z.string(), z.unknown()),
    inputs: z.record(z.string(), z.unknown()),
  })).optional(),
});

export type JobPayload = z.infer<typeof jobPayloadSchema>;

/** Secret names an unevaluated value mentions (`secrets.NAME`, `secrets['NAME']`); GITHUB_TOKEN always. */
export function secretNamesIn(value: unknown): string[] {
  const text = JSON.stringify(value ?? null);
  const names = new Set<string>();
  for (const m of text.matchAll(/secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*\\?['"]([^'"\\]+)\\?['"]\s*\])/g)) names.add(m[1] ?? m[2] ?? "");
  if (/\bsecrets\b(?!\s*[.[])/.test(text)) names.add("*");
  names.delete("");
  return [...names].sort();
}
