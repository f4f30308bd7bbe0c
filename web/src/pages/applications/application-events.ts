import type { LiveEvent } from "../../api/index.js";

/**
 * Whether a live event may change what an applications view shows: an event about an Application
 * (`name`: about that one), or a lost stream that came back. Agents' status reports are logged when
 * the sync or health state or the running revision changes, and every sync is logged.
 */
export function isApplicationEvent(e: LiveEvent, name?: string): boolean {
  if (e.action === "reconnected") return true;
  return e.kind === "Application" && (name === undefined || e.name === name);
}
