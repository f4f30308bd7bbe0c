import { InputError, MAX_CALL_DEPTH, localCallPath, parseWorkflowText } from "../workflow/index.js";
import type { WorkflowDef } from "../workflow/index.js";
import type { CallTarget } from "./run-scopes.js";

/** Reads a file of the run's repository at the run's commit; undefined when there is none. */
export type ReadRepoFile = (path: string) => Promise<string | undefined>;

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The workflows a run's reusable-workflow jobs call, by the caller's full id (`caller`,
 * `caller/inner`), read from the repository at the run's commit, nested calls included. A call
 * that cannot run gets the reason instead: a remote workflow (the server does not fetch other
 * repositories), a missing file, one without `on.workflow_call`, a cycle, too deep a nesting.
 */
export async function loadCalls(wf: WorkflowDef, read: ReadRepoFile): Promise<Map<string, CallTarget>> {
  const out = new Map<string, CallTarget>();
  const visit = async (caller: WorkflowDef, prefix: string, level: number, stack: readonly string[]): Promise<void> => {
    for (const job of caller.jobs) {
      if (job.uses === undefined) continue;
      const id = prefix + job.id;
      try {
        const path = localCallPath(job, caller);
        if (path === undefined) {
          out.set(id, { error: `${job.uses} is in another repository, and the server runs only reusable workflows of the run's own repository (uses: ./.github/workflows/…); ferry run can run it` });
          continue;
        }
        if (level >= MAX_CALL_DEPTH) {
          out.set(id, { error: `${job.uses}: reusable workflows nest at most ${MAX_CALL_DEPTH} levels deep` });
          continue;
        }
        if (stack.includes(path)) {
          out.set(id, { error: `${job.uses} calls itself (${[...stack, path].join(" → ")})` });
          continue;
        }
        const text = await read(path);
        if (text === undefined) {
          out.set(id, { error: `${job.uses}: there is no ${path} at the run's commit` });
          continue;
        }
        const called = await parseWorkflowText(text, path);
        if (!called.call) {
          out.set(id, { error: `${path} cannot be called: it has no on.workflow_call` });
          continue;
        }
        out.set(id, { wf: called });
        await visit(called, `${id}/`, level + 1, [...stack, path]);
      } catch (error: unknown) {
        out.set(id, { error: error instanceof InputError ? `invalid workflow: ${error.message}` : message(error) });
      }
    }
  };
  await visit(wf, "", 1, [wf.file]);
  return out;
}
