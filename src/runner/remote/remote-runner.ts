import { mkdir, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { Value } from "../../workflow/index.js";
import { callSecrets, stringify, truthy } from "../../workflow/index.js";
import { interpolate } from "../../workflow/index.js";
import { CONTAINER_LABEL } from "../../ci/index.js";
import type { JobPayload } from "../../ci/index.js";
import type { StepDef } from "../../workflow/index.js";
import type { ClaimResponse } from "../../server/api/runner-api.js";
import { runJob } from "../job-runner.js";
import type { ContainerEngine } from "../containers/types.js";
import { createMasker } from "../masker.js";
import type { JobEvent } from "../types.js";
import { createLogShipper } from "./log-shipper.js";
import { createServerClient, ServerError } from "./server-client.js";
import { jobFerryEnv, writeFerryShim } from "./job-ferry-env.js";
import type { FerryCommand } from "./job-ferry-env.js";

export type RemoteRunnerOptions = {
  serverUrl: string;
  token: string;
  labels: string[];
  capacity: number;
  name?: string;
  workDir: string;
  hostEnv: Record<string, string>;
  actionsBaseUrl: string;
  actionsCacheDir: string;
  cacheDir: string;
  /** How to start this Ferry, for the `ferry` command steps find on their PATH; none when absent. */
  ferryCommand?: FerryCommand | undefined;
  log(message: string, fields?: Record<string, unknown>): void;
};

type Job = NonNullable<ClaimResponse["job"]>;

const strRec = (v: Value): Record<string, string> =>
  (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stringify(x)])) : {});

/** `ferry runner`: claims jobs whose labels it has, runs them with the job engine, reports back. */
export function createRemoteRunner(o: RemoteRunnerOptions): { start(): void; stop(): Promise<void>; readonly running: number } {
  const client = createServerClient(o.serverUrl, o.token);
  const runnerId = `${o.name ?? hostname()}-${randomUUID().slice(0, 8)}`;
  const stopping = new AbortController();
  const loops: Array<Promise<void>> = [];
  let running = 0;
  // The container engine, found once (as ferry run finds it: FERRY_CONTAINER_ENGINE, podman,
  // docker; CONTAINERS_CONF and the rest of the host environment apply). With one, the runner
  // adds the `container` label, so jobs that need an engine come only to runners that have one.
  let engine: Promise<ContainerEngine | undefined> | undefined;
  const containerEngine = (): Promise<ContainerEngine | undefined> =>
    (engine ??= import("../containers/detect.js").then((m) => m.detectContainerEngine(o.hostEnv)).catch(() => undefined));
  let labels: Promise<string[]> | undefined;
  const claimLabels = (): Promise<string[]> => (labels ??= containerEngine().then((e) => {
    if (!e) return o.labels;
    o.log("container engine found", { engine: e.name, program: e.program });
    return o.labels.some((l) => l.toLowerCase() === CONTAINER_LABEL) ? o.labels : [...o.labels, CONTAINER_LABEL];
  }));

  async function runOne(job: Job): Promise<void> {
    const p = job.payload;
    const dir = join(o.workDir, `job-${job.id}`);
    const workspace = join(dir, "workspace");
    await mkdir(workspace, { recursive: true });
    const abort = new AbortController();
    let reason: string | undefined;
    // Stopping the runner cancels what it runs; the result still goes to the server below.
    const onStop = (): void => {
      reason ??= "the runner was stopped";
      abort.abort();
    };
    stopping.signal.addEventListener("abort", onStop, { once: true });
    const shipper = createLogShipper(client, job.id, job.leaseToken, () => {
      reason = "the server took the job back (lease lost)";
      abort.abort();
    });
    const heartbeat = setInterval(() => {
      client.post<{ cancel: boolean }>(`/api/v1/runner/jobs/${job.id}/heartbeat`, { leaseToken: job.leaseToken }, { timeoutMs: 10_000 })
        .then((r) => { if (r.cancel && !abort.signal.aborted) { reason = "cancelled"; abort.abort(); } })
        .catch((error: unknown) => {
          if (error instanceof ServerError && (error.status === 409 || error.status === 404)) {
            reason = "the server took the job back (lease lost)";
            abort.abort();
          }
        });
    // Often enough that a cancellation reaches the running step within about a second.
    }, Math.max(200, Math.min(1000, Math.floor(job.leaseMs / 3))));
    // A called (reusable) workflow's job sees the secrets its caller passed, under their names there.
    let secrets: Record<string, string> = {};
    let secretsError: string | undefined;
    try {
      secrets = secretsOf(p, job.secrets);
    } catch (error: unknown) {
      secretsError = `the secrets: of a reusable-workflow call cannot be evaluated: ${error instanceof Error ? error.message : String(error)}`;
    }
    const masker = createMasker([...Object.values(job.secrets), ...Object.values(secrets), job.jobToken ?? ""].filter((v) => v !== ""));
    const shimDir = o.ferryCommand ? await writeFerryShim(join(o.workDir, "bin"), o.ferryCommand) : undefined;
    const ctx = { github: p.contexts.github as Record<string, Value>, inputs: p.contexts.inputs as Record<string, Value>, vars: p.contexts.vars as Record<string, Value>, secrets };
    let conclusion: "success" | "failure" | "cancelled" = "failure";
    let outputs: Record<string, string> = {};
    try {
      if (secretsError !== undefined) throw new Error(secretsError);
      const workflowEnv = strRec(interpolate(p.workflowEnv ?? null, { ...ctx, env: {} }));
      const jobCtx = { ...ctx, needs: p.contexts.needs as Record<string, Value>, matrix: (p.contexts.matrix ?? {}) as Record<string, Value>, strategy: p.contexts.strategy as Record<string, Value>, env: workflowEnv };
      const env = { ...workflowEnv, ...strRec(interpolate(p.jobEnv ?? null, jobCtx)) };
      const timeout = Number(interpolate(p.timeoutMinutes ?? 360, jobCtx));
      // `container:` and `services:` may read secrets (registry credentials): evaluated here.
      const specs = p.container !== undefined || p.services !== undefined ? await import("../containers/spec.js") : undefined;
      const container = specs?.containerSpecOf(interpolate(p.container ?? null, jobCtx), "container");
      const services = specs?.serviceSpecsOf(interpolate(p.services ?? null, jobCtx)) ?? {};
      const outcome = await runJob({
        name: p.name, jobId: p.jobId, steps: p.steps as unknown as StepDef[], defaults: p.defaults, env, outputs: p.outputs,
        timeoutMinutes: Number.isFinite(timeout) && timeout > 0 ? timeout : 360,
        contexts: {
          github: { ...ctx.github, workspace, job: p.jobId }, vars: ctx.vars, secrets, needs: jobCtx.needs,
          matrix: p.contexts.matrix as Record<string, Value> | null, strategy: jobCtx.strategy, inputs: ctx.inputs,
        },
        hostEnv: job.jobToken ? jobFerryEnv(o.serverUrl, job.jobToken, shimDir, o.hostEnv) : o.hostEnv, workspace,
        ...(job.jobToken ? { server: { url: o.serverUrl, token: job.jobToken } } : {}), tempDir: join(dir, "tmp"), sourceRepo: job.gitUrl, workspacePrepared: false,
        sourceAuthHeader: `Authorization: Bearer ${o.token}`, runId: String(p.runId), runNumber: 1,
        stores: { artifactsDir: join(o.workDir, "artifacts"), cacheDir: o.cacheDir },
        actionsBaseUrl: o.actionsBaseUrl, actionsCacheDir: o.actionsCacheDir, masker, container, services, containerEngine,
        sink: (e: JobEvent) => shipper.push(e as unknown as Record<string, unknown>), signal: abort.signal,
      });
      conclusion = outcome.result;
      outputs = outcome.outputs;
      if (conclusion === "failure" && truthy(interpolate(p.continueOnError ?? false, jobCtx))) reason = "failed (continue-on-error)";
    } catch (error: unknown) {
      shipper.push({ type: "annotation", job: p.name, step: "Set up job", level: "error", message: masker.mask(error instanceof Error ? error.message : String(error)) });
      conclusion = "failure";
    }
    // The lease is kept alive until the server has the result.
    await shipper.close();
    for (let attempt = 0; attempt < (stopping.signal.aborted ? 3 : 100); attempt++) {
      try {
        await client.post(`/api/v1/runner/jobs/${job.id}/complete`, { leaseToken: job.leaseToken, conclusion, outputs, ...(reason ? { reason } : {}) });
        break;
      } catch (error: unknown) {
        if (error instanceof ServerError && error.status < 500) {
          o.log("the server refused the job's result", { job: job.id, status: error.status, message: error.message });
          break;
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * 2 ** attempt)));
      }
    }
    clearInterval(heartbeat);
    stopping.signal.removeEventListener("abort", onStop);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }

  async function loop(): Promise<void> {
    let backoff = 200;
    while (!stopping.signal.aborted) {
      let job: Job | null = null;
      try {
        const r = await client.post<ClaimResponse>("/api/v1/runner/claim", { runnerId, name: o.name ?? hostname(), labels: await claimLabels(), waitMs: 20_000 }, { timeoutMs: 30_000, signal: stopping.signal });
        job = r.job;
        backoff = 200;
      } catch (error: unknown) {
        if (stopping.signal.aborted) return;
        o.log("cannot reach the server", { error: error instanceof Error ? error.message : String(error) });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      if (!job) continue;
      running++;
      o.log("job claimed", { job: job.id, name: job.payload.name });
      try {
        await runOne(job);
      } finally {
        running--;
      }
    }
  }

  return {
    get running() { return running; },
    start() {
      for (let i = 0; i < Math.max(1, o.capacity); i++) loops.push(loop());
    },
    async stop() {
      stopping.abort();
      await Promise.allSettled(loops);
    },
  };
}

/**
 * The `secrets` context of a job: the repository's secrets, mapped through the `secrets:` of each
 * reusable-workflow call on the way to the job (a called job sees only what its caller passed).
 */
function secretsOf(p: JobPayload, repoSecrets: Record<string, string>): Record<string, string> {
  let secrets = repoSecrets;
  const github = p.contexts.github as Record<string, Value>;
  const vars = p.contexts.vars as Record<string, Value>;
  for (const level of p.callSecrets ?? []) {
    const ctx = { github, vars, needs: level.needs as Record<string, Value>, inputs: level.inputs as Record<string, Value>, env: {} };
    secrets = callSecrets({ secrets: level.secrets as "inherit" | Record<string, unknown> | undefined }, secrets, ctx);
  }
  return secrets;
}
