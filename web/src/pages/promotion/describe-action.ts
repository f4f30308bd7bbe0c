import type { Freight, Promotion, StageView } from "./promotion-types.js";

/** `sha256:0123456789ab…`: enough of a digest to recognise it. */
export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.includes(":") ? digest.split(":", 2) : ["", digest];
  const short = (hex ?? "").slice(0, 12);
  return `${algorithm ? `${algorithm}:` : ""}${short}${(hex ?? "").length > 12 ? "…" : ""}`;
}

/** The freight for people: `brave-otter (sha256:ab12…)`, by its first artifact or image, else its commit. */
export function freightLabel(f: Pick<Freight, "alias" | "name" | "data">): string {
  const digest = f.data.artifacts?.[0]?.digest ?? f.data.images?.[0]?.digest;
  const commit = f.data.commits?.[0]?.id;
  const pinned = digest ? shortDigest(digest) : commit ? commit.slice(0, 12) : f.name;
  return `${f.alias} (${pinned})`;
}

const configOf = (config: unknown): Record<string, unknown> => (typeof config === "object" && config !== null && !Array.isArray(config) ? (config as Record<string, unknown>) : {});
const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Where a stage's promotion writes: each Git remote it clones and pushes, with the branch (the push's
 * branch, else the clone's). Expressions stay as written; the server fills them in when it runs.
 */
export function promotionWrites(stage: Pick<StageView, "spec">): string[] {
  const steps = stage.spec.promotionTemplate.steps;
  const pushes = steps.filter((s) => s.uses === "git-push").map((s) => configOf(s.config));
  const out: string[] = [];
  for (const clone of steps.filter((s) => s.uses === "git-clone").map((s) => configOf(s.config))) {
    const repo = text(clone.repoURL);
    if (!repo) continue;
    const branch = pushes.map((p) => text(p.branch)).find(Boolean) ?? text(clone.branch);
    out.push(branch ? `${repo} ${branch}` : repo);
  }
  if (out.length === 0 && steps.some((s) => s.uses === "http" || s.uses === "run")) out.push("no Git repository (its steps call out)");
  return [...new Set(out)];
}

export type Confirmation = { title: string; body: string };

export function confirmPromote(freight: Freight, stage: StageView): Confirmation {
  const writes = promotionWrites(stage);
  const where = writes.length > 0 ? `writes to ${writes.join(" and ")}` : "runs its promotion steps";
  const current = stage.currentFreight ? ` It replaces what ${stage.name} runs now (freight ${stage.currentFreight.slice(0, 8)}…).` : "";
  return { title: `Promote ${freight.alias} to ${stage.name}?`, body: `Promote freight ${freightLabel(freight)} to ${stage.name}: ${where}.${current}` };
}

export function confirmApprove(freight: Freight, stage: StageView): Confirmation {
  const auto = stage.spec.autoPromotion === true ? ` ${stage.name} promotes it automatically once approved.` : "";
  return { title: `Approve ${freight.alias} for ${stage.name}?`, body: `Approve freight ${freightLabel(freight)} for ${stage.name}; the approval is recorded under your name.${auto}` };
}

export function confirmAbort(promotion: Pick<Promotion, "id" | "stage" | "phase">, freight: Pick<Freight, "alias" | "name" | "data"> | undefined): Confirmation {
  const what = freight ? `freight ${freightLabel(freight)}` : "its freight";
  return {
    title: `Abort promotion #${promotion.id}?`,
    body: `Abort promotion #${promotion.id} of ${what} to ${promotion.stage} (${promotion.phase}). Steps already done stay done: a commit already pushed is not reverted.`,
  };
}
