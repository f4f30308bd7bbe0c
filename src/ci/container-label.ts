import type { Contexts, ExtraFunction, Value } from "../workflow/index.js";
import { interpolate, stringify } from "../workflow/index.js";

/**
 * The label a runner adds to its own labels when it finds a container engine (podman or docker).
 * A job that needs one (`container:`, `services:`, a `docker://` step) requires it, so only such a
 * runner claims the job.
 */
export const CONTAINER_LABEL = "container";

const rec = (v: Value | undefined): Record<string, Value> => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

/** The image a `container:` or service value names, "" for none; expressions that fail count as an image. */
function imageOf(v: unknown, ctx: Contexts, fns: readonly ExtraFunction[]): string {
  try {
    const raw = v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>).image : v;
    if (raw === undefined || raw === null) return "";
    return stringify(interpolate(raw, ctx, fns)).trim();
  } catch {
    return "?";
  }
}

/**
 * Whether a job needs a container engine: a `container:` or a service with an image (an empty
 * image, as a matrix may give, means none, as on GitHub), or a `docker://` step. Docker actions
 * are only known on the runner, which fails such a step with a reason when it has no engine.
 */
export function needsContainerEngine(
  job: { container?: unknown; services?: unknown; steps: ReadonlyArray<{ uses?: string | undefined }> },
  ctx: Contexts,
  fns: readonly ExtraFunction[],
): boolean {
  if (job.container !== undefined && job.container !== null && imageOf(job.container, ctx, fns) !== "") return true;
  for (const s of Object.values(rec(job.services as Value | undefined))) if (imageOf(s, ctx, fns) !== "") return true;
  return job.steps.some((s) => typeof s.uses === "string" && s.uses.trim().startsWith("docker://"));
}
