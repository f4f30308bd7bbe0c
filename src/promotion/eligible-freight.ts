import { parseDuration, type Stage } from "../resources/index.js";
import { compareFreightNewestFirst } from "./freight-order.js";
import type { Freight } from "./schema.js";

type RequestedFreight = Stage["spec"]["requestedFreight"][number];

function soakedSince(at: string, soakMs: number, now: Date): boolean {
  const verifiedAt = Date.parse(at);
  return !Number.isNaN(verifiedAt) && verifiedAt + soakMs <= now.getTime();
}

/** Whether one request of the stage lets it take `freight` now. */
function accepts(request: RequestedFreight, freight: Freight, now: Date): boolean {
  if (freight.warehouse !== request.origin.warehouse) return false;
  const { sources } = request;
  if (sources.direct) return true;
  if (sources.stages.length === 0) return false;
  const soakMs = sources.requiredSoakTime === undefined ? 0 : parseDuration(sources.requiredSoakTime);
  return sources.stages.every((upstream) => {
    const verified = freight.verifiedIn[upstream];
    return verified !== undefined && soakedSince(verified.at, soakMs, now);
  });
}

/**
 * The freight `stage` may be promoted to now, newest first: freight of a requested warehouse that
 * the stage takes directly, or that passed verification in every one of the named upstream stages
 * at least `requiredSoakTime` before `now`. Approval is not considered here: it gates promotion,
 * not eligibility.
 */
export function eligibleFreight(stage: Stage, freight: readonly Freight[], now: Date): Freight[] {
  return freight.filter((f) => stage.spec.requestedFreight.some((request) => accepts(request, f, now))).sort(compareFreightNewestFirst);
}
