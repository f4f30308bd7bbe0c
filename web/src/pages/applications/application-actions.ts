import { apiFetch } from "../../api/index.js";
import { confirm } from "../../ui/index.js";
import { confirmRollback, confirmSync } from "./app-confirmations.js";
import type { ApplicationResource, AppSync } from "./application-types.js";

type Operation = { id: number; app: string; type: "sync" | "rollback"; revision: string | null; actor: string; createdAt: string };

/** Asks the Application's agent to sync, after a confirmation; undefined when the user cancelled. */
export async function syncApplication(app: ApplicationResource): Promise<Operation | undefined> {
  if (!(await confirm({ ...confirmSync(app), confirmLabel: "Sync" }))) return undefined;
  return apiFetch<Operation>("POST", `/api/v1/applications/${encodeURIComponent(app.metadata.name)}/sync`);
}

/** Asks the agent to roll back to the revision of an earlier sync, after a confirmation. */
export async function rollbackApplication(app: ApplicationResource, to: AppSync): Promise<Operation | undefined> {
  if (!(await confirm({ ...confirmRollback(app, to), confirmLabel: "Roll back", danger: true }))) return undefined;
  return apiFetch<Operation>("POST", `/api/v1/applications/${encodeURIComponent(app.metadata.name)}/rollback`, { id: to.id });
}
