import { z } from "zod";

/** A Gitea/Forgejo user as found in `pusher` and `sender`. */
export const giteaUserSchema = z.looseObject({
  id: z.number().nullish(),
  login: z.string().nullish(),
  username: z.string().nullish(),
  full_name: z.string().nullish(),
  email: z.string().nullish(),
});

/** The parts of a Gitea/Forgejo `push` payload that differ from GitHub's; other fields are kept. */
export const giteaPushSchema = z.looseObject({
  ref: z.string().min(1),
  before: z.string().min(1),
  after: z.string().min(1),
  compare_url: z.string().nullish(),
  commits: z.array(z.looseObject({ id: z.string() })).nullish(),
  head_commit: z.looseObject({ id: z.string() }).nullish(),
  repository: z.looseObject({ full_name: z.string().min(1) }),
  pusher: giteaUserSchema.nullish(),
  sender: giteaUserSchema.nullish(),
});
export type GiteaPushPayload = z.infer<typeof giteaPushSchema>;
