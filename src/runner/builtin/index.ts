import { parseUses } from "../../workflow/index.js";
import { cacheAction, cacheRestoreAction, cacheSaveAction } from "./cache.js";
import { checkoutAction } from "./checkout.js";
import { downloadArtifactAction } from "./download-artifact.js";
import { publishAction } from "./publish.js";
import { setupNodeAction } from "./setup-node.js";
import type { BuiltinAction } from "./types.js";
import { uploadArtifactAction } from "./upload-artifact.js";

/** Built-in actions keyed by lower-case `owner/repo` (or `owner/repo/path` for sub-actions). */
export const builtinActions: ReadonlyMap<string, BuiltinAction> = new Map(
  [checkoutAction, uploadArtifactAction, downloadArtifactAction, cacheAction, cacheRestoreAction, cacheSaveAction, setupNodeAction, publishAction].map(
    (action) => [action.id.toLowerCase(), action] as const,
  ),
);

/** The built-in for a `uses:` value such as `actions/checkout@v4` or `Actions/Cache/restore@main`; the ref is ignored. */
export function findBuiltin(uses: string): BuiltinAction | undefined {
  const parsed = parseUses(uses);
  if (parsed?.kind !== "remote") return undefined;
  const path = parsed.path.replace(/\/+$/, "");
  const id = [parsed.owner, parsed.repo, ...(path === "" ? [] : [path])].join("/").toLowerCase();
  return builtinActions.get(id);
}
