import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Stage, Warehouse } from "../../resources/index.js";
import { parseDuration, stageSchema, warehouseSchema } from "../../resources/index.js";
import type { FreightRecord, PromotionRecord, Store } from "../../store/index.js";
import {
  appendEvent, createPromotion, getFreight, getPromotion, insertFreight, listFreight, listPromotions, listResources, markFreight,
  updatePromotion,
} from "../../store/index.js";
import { checkApproval } from "../check-approval.js";
import { eligibleFreight } from "../eligible-freight.js";
import { planAutoPromotion } from "../plan-auto-promotion.js";
import { planFreight } from "../plan-freight.js";
import type { Freight } from "../schema.js";
import { createHttpStep, createRunStep, httpConfigSchema, runConfigSchema, runSteps } from "../steps/index.js";
import type { StepContext } from "../steps/index.js";
import { verificationResult } from "../verification-result.js";
import type { CheckOutcome } from "../verification-result.js";
import { createGit } from "../../git/index.js";
import { createGitDiscovery, DISCOVERY_GIT_ENV } from "./discover-git.js";
import { discoverWarehouse } from "./discover-warehouse.js";
import type { RegistryAccess } from "./discover-warehouse.js";

export type PromotionControllerDeps = {
  store: Store;
  registry: RegistryAccess;
  /** Where promotions clone config repositories; one fresh directory each. */
  workDir: string;
  /** An Application's reported sync: the revision it runs and whether it is Synced and Healthy there. */
  applicationState(name: string): Promise<{ appliedRevision: string | null; synced: boolean; healthy: boolean; message: string } | undefined>;
  onChange(): void;
  /** A promotion pushed a commit to a config repository. */
  onGitPush?(args: { repoURL: string; branch: string; commit: string }): void;
  log(message: string, fields?: Record<string, unknown>): void;
};

export class PromotionError extends Error {
  constructor(readonly code: "not-found" | "not-eligible" | "conflict" | "forbidden" | "input", message: string) {
    super(message);
    this.name = "PromotionError";
  }
}

const toFreight = (r: FreightRecord): Freight => ({ ...(r.data as Omit<Freight, "name" | "alias" | "warehouse" | "createdAt" | "verifiedIn" | "approvedFor">), name: r.name, alias: r.alias, warehouse: r.warehouse, createdAt: r.createdAt, verifiedIn: Object.fromEntries(Object.entries(r.verifiedIn).map(([k, v]) => [k, { at: v.at, ...(v.promotionId ? { promotionId: String(v.promotionId) } : {}) }])) as Freight["verifiedIn"], approvedFor: r.approvedFor as Freight["approvedFor"] });

/**
 * Continuous promotion on the server: warehouses turn new artifact versions into freight; each Stage
 * auto-promotes the newest eligible freight (or waits for a person, or an approval); a promotion runs the
 * stage's steps (which write to Git), then verifies; passing marks the freight verified in the stage, which
 * is what makes it eligible downstream. Promotions to one stage run one at a time.
 */
export function createPromotionController(deps: PromotionControllerDeps) {
  const { store } = deps;
  const running = new Map<number, AbortController>();
  const lastDiscovery = new Map<string, number>();
  const gitDiscovery = createGitDiscovery({ git: createGit({ env: DISCOVERY_GIT_ENV }), workDir: deps.workDir });
  /** What each stage's last auto-promotion pass decided, e.g. waiting for an approval of some freight. */
  const decisions = new Map<string, { action: string; reason?: string; freight?: string }>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let again = false;
  /** A forced discovery (something was pushed) in flight, and whether another push came during it. */
  let forcing: Promise<void> | undefined;
  let forceAgain = false;

  const resources = async <T>(kind: string, schema: { safeParse(v: unknown): { success: boolean; data?: T } }): Promise<T[]> =>
    (await listResources(store, kind)).flatMap((r) => {
      const p = schema.safeParse({ apiVersion: r.apiVersion, kind: r.kind, metadata: { name: r.metadata.name }, spec: r.spec });
      return p.success && p.data !== undefined ? [p.data] : [];
    });
  const stages = (): Promise<Stage[]> => resources<Stage>("Stage", stageSchema);
  const warehouses = (): Promise<Warehouse[]> => resources<Warehouse>("Warehouse", warehouseSchema);

  async function discover(force: boolean): Promise<void> {
    for (const w of await warehouses()) {
      const every = parseInterval(w.spec.interval);
      if (!force && Date.now() - (lastDiscovery.get(w.metadata.name) ?? 0) < every) continue;
      lastDiscovery.set(w.metadata.name, Date.now());
      try {
        const latest = await discoverWarehouse(w, deps.registry, gitDiscovery);
        const plan = planFreight({ warehouse: w, latest, existing: listFreight(store).map((f) => ({ name: f.name })), now: new Date() });
        if (plan.action === "create") {
          const { name, alias, warehouse, createdAt, verifiedIn: _v, approvedFor: _a, ...data } = plan.freight;
          if (insertFreight(store, { name, alias, warehouse, createdAt, data })) {
            await appendEvent(store, { actor: `warehouse/${warehouse}`, action: "freight.created", kind: "Freight", name, data: { alias, ...data } });
            deps.log("freight created", { warehouse, freight: name, alias });
            deps.onChange();
          }
        }
      } catch (error: unknown) {
        deps.log("warehouse discovery failed", { warehouse: w.metadata.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  async function autoPromote(): Promise<void> {
    const all = listFreight(store).map(toFreight);
    for (const stage of await stages()) {
      const name = stage.metadata.name;
      const promotions = listPromotions(store, { stage: name, limit: 1000 }).reverse();
      const pending = promotions.find((p) => p.phase === "Pending" && !running.has(p.id));
      if (pending && !promotions.some((p) => p.phase === "Running")) {
        const freight = all.find((f) => f.name === pending.freight);
        if (freight && (!stage.spec.approval.required || freight.approvedFor[name])) start(stage, pending, freight);
        continue;
      }
      if (promotions.some((p) => p.phase === "Pending" || p.phase === "Running")) continue;
      const plan = planAutoPromotion({
        stage, eligible: eligibleFreight(stage, all, new Date()),
        promotions: promotions.map((p) => ({ freight: { name: p.freight, createdAt: all.find((f) => f.name === p.freight)?.createdAt ?? p.createdAt }, trigger: p.trigger, phase: p.phase })),
      });
      decisions.set(name, plan.action === "none"
        ? { action: "none", reason: plan.reason, ...(plan.freight ? { freight: plan.freight } : {}) }
        : { action: plan.action, ...(plan.action === "wait" ? { reason: plan.reason } : {}), freight: plan.freight.name });
      if (plan.action !== "promote") continue;
      const p = createPromotion(store, { stage: name, freight: plan.freight.name, trigger: "auto", requestedBy: "auto-promotion" });
      await appendEvent(store, { actor: "auto-promotion", action: "promotion.created", kind: "Stage", name, data: { promotion: p.id, freight: plan.freight.name, alias: plan.freight.alias } });
      start(stage, p, plan.freight);
    }
  }

  function start(stage: Stage, p: PromotionRecord, freight: Freight): void {
    const abort = new AbortController();
    running.set(p.id, abort);
    void execute(stage, p, freight, abort.signal).finally(() => {
      running.delete(p.id);
      deps.onChange();
      kick();
    });
  }

  async function execute(stage: Stage, p: PromotionRecord, freight: Freight, signal: AbortSignal): Promise<void> {
    if (!updatePromotion(store, p.id, ["Pending"], { phase: "Running" })) return;
    deps.onChange();
    const dir = await mkdtemp(join(deps.workDir, `promotion-${p.id}-`));
    const lines: string[] = [];
    const ctx: StepContext = {
      workDir: dir, signal, log: (l) => lines.push(l),
      vars: { freight: { name: freight.name, alias: freight.alias, artifacts: freight.artifacts, images: freight.images, commits: freight.commits, origin: freight.origin }, stage: { name: stage.metadata.name }, vars: {}, outputs: {} },
      waitForSync: ({ application, revision, signal: s }) => waitForSync(application, revision, s),
      pushed: (args) => deps.onGitPush?.(args),
    };
    try {
      const result = await runSteps({ steps: stage.spec.promotionTemplate.steps, ctx });
      const commit = result.steps.map((s) => (s.outputs as { commit?: unknown } | undefined)?.commit).filter((c): c is string => typeof c === "string").pop() ?? null;
      const failed = result.steps.find((s) => s.status !== "Succeeded");
      const phase = result.status === "Aborted" ? "Aborted" : result.status;
      updatePromotion(store, p.id, ["Running"], { phase, steps: result.steps, commit, message: failed?.message ?? (phase === "Succeeded" ? "promoted" : phase) });
      await appendEvent(store, { actor: p.requestedBy, action: `promotion.${phase.toLowerCase()}`, kind: "Stage", name: stage.metadata.name, data: { promotion: p.id, freight: freight.name, alias: freight.alias, commit, ...(failed?.message ? { message: failed.message } : {}) } });
      deps.log("promotion finished", { stage: stage.metadata.name, promotion: p.id, phase });
      if (phase === "Succeeded") await verify(stage, p.id, freight, signal);
    } catch (error: unknown) {
      updatePromotion(store, p.id, ["Running"], { phase: "Errored", message: error instanceof Error ? error.message : String(error) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function waitForSync(application: string, revision: string, signal: AbortSignal): Promise<{ ok: boolean; message: string }> {
    let last = "the agent has not reported yet";
    while (!signal.aborted) {
      const s = await deps.applicationState(application);
      if (s) {
        last = s.message;
        if (s.appliedRevision === revision && s.synced && s.healthy) return { ok: true, message: `${application} is Synced and Healthy at ${revision.slice(0, 12)}` };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return { ok: false, message: `${application} did not sync to ${revision.slice(0, 12)}: ${last}` };
  }

  /** Runs the stage's checks; no checks configured means the promotion itself is the verification. */
  async function verify(stage: Stage, promotionId: number, freight: Freight, signal: AbortSignal): Promise<void> {
    const v = stage.spec.verification;
    let result: { phase: "Verified" | "Failed"; reasons?: readonly string[] };
    if (!v || v.checks.length === 0) result = { phase: "Verified" };
    else {
      const outcomes: CheckOutcome[] = [];
      // All checks together get the verification's timeout; a check that throws (a refused connection,
      // a timeout) is a failed check, never a pass.
      const within = AbortSignal.any([signal, AbortSignal.timeout(parseDuration(v.timeout))]);
      const ctx: StepContext = { workDir: deps.workDir, signal: within, log: () => undefined, vars: {} };
      for (const check of v.checks) {
        try {
          const r = check.http
            ? await createHttpStep().run(httpConfigSchema.parse({
              url: check.http.url, timeout: check.http.timeout,
              ...(check.http.expectStatus ? { expectStatus: check.http.expectStatus } : {}),
              ...(check.http.expectBodyContains ? { expectBodyContains: check.http.expectBodyContains } : {}),
            }), ctx)
            : await createRunStep().run(runConfigSchema.parse({ command: check.run?.command ?? [] }), ctx);
          outcomes.push({ passed: r.status === "Succeeded", ...(r.message ? { message: r.message } : {}) });
        } catch (error: unknown) {
          outcomes.push({ passed: false, message: within.aborted && !signal.aborted ? `verification timed out after ${v.timeout}` : error instanceof Error ? error.message : String(error) });
        }
      }
      result = verificationResult(v, outcomes);
    }
    updatePromotion(store, promotionId, ["Succeeded"], { verification: { phase: result.phase, ...(result.reasons ? { reasons: [...result.reasons] } : {}), at: new Date().toISOString() } });
    if (result.phase === "Verified") markFreight(store, { freight: freight.name, stage: stage.metadata.name, kind: "verified", promotionId });
    await appendEvent(store, { actor: "verification", action: `freight.${result.phase.toLowerCase()}`, kind: "Freight", name: freight.name, data: { stage: stage.metadata.name, promotion: promotionId, ...(result.reasons ? { reasons: result.reasons } : {}) } });
  }

  function kick(): void {
    if (ticking) {
      again = true;
      return;
    }
    ticking = (async () => {
      do {
        again = false;
        await discover(false);
        await autoPromote();
      } while (again);
    })().catch((error: unknown) => deps.log("promotion pass failed", { error: error instanceof Error ? error.message : String(error) })).finally(() => { ticking = undefined; });
  }

  return {
    start(): void {
      timer = setInterval(kick, 2000);
      timer.unref();
      kick();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      for (const a of running.values()) a.abort();
    },
    /**
     * Something was pushed to the registry or a watched repository, or a resource changed: look now.
     * Pushes during a forced discovery are folded into one more pass after it.
     */
    async pushed(): Promise<void> {
      if (forcing) {
        forceAgain = true;
        return forcing;
      }
      forcing = (async () => {
        try {
          do {
            forceAgain = false;
            await discover(true);
          } while (forceAgain);
        } finally {
          // Cleared in the same step as the last check, so no push falls between the two.
          forcing = undefined;
        }
      })();
      await forcing;
      kick();
    },
    /**
     * A watched repository has a new commit: the warehouses with a Git subscription `matches` accepts look at
     * once; the others keep their interval.
     */
    commitSeen(matches: (repoURL: string) => boolean): void {
      void warehouses().then((ws) => {
        const subscribed = ws.filter((w) => w.spec.subscriptions.some((sub) => sub.git !== undefined && matches(sub.git.repoURL)));
        for (const w of subscribed) lastDiscovery.delete(w.metadata.name);
        if (subscribed.length > 0) kick();
      }, (error: unknown) => deps.log("warehouse lookup after a commit failed", { error: error instanceof Error ? error.message : String(error) }));
    },
    kick,
    /** The last auto-promotion decision of a stage, for status (what it waits for). */
    decision(stage: string): { action: string; reason?: string; freight?: string } | undefined {
      return decisions.get(stage);
    },
    async promote(stageName: string, freightRef: string, actor: string): Promise<PromotionRecord> {
      const stage = (await stages()).find((s) => s.metadata.name === stageName);
      if (!stage) throw new PromotionError("not-found", `no Stage "${stageName}"`);
      const record = getFreight(store, freightRef);
      if (!record) throw new PromotionError("not-found", `no freight "${freightRef}"`);
      const freight = toFreight(record);
      if (!eligibleFreight(stage, [freight], new Date()).length) {
        throw new PromotionError("not-eligible", `freight ${freight.alias} (${freight.name}) may not go to ${stageName} yet: it is not from a warehouse the stage takes directly, nor verified in the stages before it`);
      }
      if (listPromotions(store, { stage: stageName }).some((p) => p.phase === "Pending" || p.phase === "Running")) {
        throw new PromotionError("conflict", `a promotion to ${stageName} is already pending or running; abort it first (ferry promotion abort ID)`);
      }
      const waiting = stage.spec.approval.required && !freight.approvedFor[stageName];
      const p = createPromotion(store, { stage: stageName, freight: freight.name, trigger: "manual", requestedBy: actor, ...(waiting ? { message: `waiting for an approval of ${freight.alias} for ${stageName}` } : {}) });
      await appendEvent(store, { actor, action: "promotion.created", kind: "Stage", name: stageName, data: { promotion: p.id, freight: freight.name, alias: freight.alias } });
      kick();
      return p;
    },
    async approve(freightRef: string, stageName: string, actor: string, hasApproverRole: boolean): Promise<void> {
      const stage = (await stages()).find((s) => s.metadata.name === stageName);
      if (!stage) throw new PromotionError("not-found", `no Stage "${stageName}"`);
      const record = getFreight(store, freightRef);
      if (!record) throw new PromotionError("not-found", `no freight "${freightRef}"`);
      const requestedBy = listPromotions(store, { stage: stageName }).find((p) => p.freight === record.name && p.phase === "Pending")?.requestedBy;
      const check = checkApproval({ stage, freight: toFreight(record), user: actor, hasApproverRole, ...(requestedBy ? { requestedBy } : {}) });
      if (!check.ok) throw new PromotionError(check.code === "not-an-approver" || check.code === "self-approval" ? "forbidden" : "conflict", check.reason);
      markFreight(store, { freight: record.name, stage: stageName, kind: "approved", actor });
      await appendEvent(store, { actor, action: "freight.approved", kind: "Freight", name: record.name, data: { stage: stageName, alias: record.alias } });
      kick();
    },
    async abort(id: number, actor: string): Promise<PromotionRecord> {
      const p = getPromotion(store, id);
      if (!p) throw new PromotionError("not-found", `no promotion ${id}`);
      if (!updatePromotion(store, id, ["Pending", "Running"], { phase: "Aborted", message: `aborted by ${actor}` })) {
        throw new PromotionError("conflict", `promotion ${id} has already ended (${p.phase})`);
      }
      running.get(id)?.abort();
      await appendEvent(store, { actor, action: "promotion.aborted", kind: "Stage", name: p.stage, data: { promotion: id, freight: p.freight } });
      return getPromotion(store, id) ?? p;
    },
  };
}

export type PromotionController = ReturnType<typeof createPromotionController>;

function parseInterval(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) return 300_000;
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as "ms" | "s" | "m" | "h"];
}
