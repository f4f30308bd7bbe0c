import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";

/** The image of a `using: docker` action: a registry image, or one built from a Dockerfile of the action. */
export type DockerActionImage = { kind: "image"; image: string } | { kind: "build"; dockerfile: string; contextDir: string; tag: string };

/** The fields of `runs` a Docker action may have (action.yml's schema checks their shape). */
export type DockerRuns = {
  image?: unknown;
  entrypoint?: unknown;
  args?: unknown;
  env?: unknown;
  "pre-entrypoint"?: unknown;
  "post-entrypoint"?: unknown;
  "post-if"?: unknown;
};

/**
 * `runs.image`: `docker://name` is used as it is; anything else is a Dockerfile relative to the
 * action, built with its own directory as the context and tagged by its path.
 */
export function dockerActionImage(image: string, actionDir: string): DockerActionImage {
  if (image.startsWith("docker://")) return { kind: "image", image: image.slice("docker://".length) };
  const dockerfile = resolve(actionDir, image);
  const hash = createHash("sha256").update(dockerfile).digest("hex").slice(0, 16);
  return { kind: "build", dockerfile, contextDir: dirname(dockerfile), tag: `localhost/ferry-action-${hash}:latest` };
}
