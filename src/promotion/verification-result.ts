import type { Verification, VerificationCheck } from "../resources/index.js";

/** What running one check produced. */
export interface CheckOutcome {
  readonly passed: boolean;
  /** Why it failed (or what it saw), for people. */
  readonly message?: string;
}

export type VerificationResult =
  | { readonly phase: "Verified" }
  | { readonly phase: "Failed"; readonly reasons: readonly string[] };

/** How a check reads in a reason: `checks[0] (GET https://…/healthz)`. */
export function describeCheck(check: VerificationCheck | undefined, index: number): string {
  const what = check?.http !== undefined ? `GET ${check.http.url}` : check?.run !== undefined ? `run ${check.run.command[0] ?? ""}` : undefined;
  return what === undefined ? `checks[${index}]` : `checks[${index}] (${what})`;
}

/**
 * Combines the outcomes of a stage's verification checks, `outcomes[i]` being the outcome of
 * `verification.checks[i]`. Verified only when every check ran and passed; anything less —
 * no checks, a check without an outcome, outcomes that do not match the checks — is a failure,
 * never a pass.
 */
export function verificationResult(verification: Verification | undefined, outcomes: readonly (CheckOutcome | undefined)[]): VerificationResult {
  const checks = verification?.checks ?? [];
  if (checks.length === 0) return { phase: "Failed", reasons: ["no verification checks are defined, so nothing was verified"] };
  if (outcomes.length === 0) return { phase: "Failed", reasons: ["no check reported an outcome"] };

  const reasons: string[] = [];
  if (outcomes.length > checks.length) reasons.push(`got ${outcomes.length} outcomes for ${checks.length} checks`);
  checks.forEach((check, index) => {
    const outcome = outcomes[index];
    const label = describeCheck(check, index);
    if (outcome === undefined) reasons.push(`${label}: no outcome; the check did not run or its result was lost`);
    else if (outcome.passed !== true) reasons.push(`${label}: ${outcome.message ?? "failed"}`);
  });
  return reasons.length === 0 ? { phase: "Verified" } : { phase: "Failed", reasons };
}
