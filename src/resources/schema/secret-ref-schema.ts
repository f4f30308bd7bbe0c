import { z } from "zod";

/**
 * The name of a repository secret stored in Ferry (never the secret value itself). Same rules as
 * the secret store, which follows GitHub: letters, digits and `_`, not starting with a digit nor
 * with `GITHUB_`; names are case-insensitive.
 */
export const secretRefSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: "must be the name of a secret: letters, digits and '_', not starting with a digit",
  })
  .refine((name) => !name.toUpperCase().startsWith("GITHUB_"), {
    error: "must not start with GITHUB_ (reserved)",
  })
  .describe("Name of a repository secret stored in Ferry; the value itself never appears in a resource.");
