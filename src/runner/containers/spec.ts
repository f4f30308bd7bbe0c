import { stringify } from "../../workflow/index.js";
import type { Value } from "../../workflow/index.js";
import { splitWords } from "./args.js";
import type { ContainerSpec } from "./types.js";

const isRec = (v: Value | undefined): v is Record<string, Value> => typeof v === "object" && v !== null && !Array.isArray(v);

function words(v: Value | undefined, field: string): string[] {
  if (v === undefined || v === null || v === "") return [];
  try {
    return splitWords(stringify(v));
  } catch (error: unknown) {
    throw new Error(`${field}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

const list = (v: Value | undefined): string[] => (Array.isArray(v) ? v.map((x) => stringify(x)).filter((x) => x !== "") : v === undefined || v === null || v === "" ? [] : [stringify(v)]);

/**
 * A `container:` or a service, already evaluated: a string is the image. No image (an empty
 * string, as a matrix may give) means none, as on GitHub. `credentials` are not used: images come
 * from the engine's local storage or its own registry configuration.
 */
export function containerSpecOf(v: Value | undefined, field: string): ContainerSpec | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRec(v)) {
    const image = stringify(v).trim();
    return image ? { image, env: {}, options: [], volumes: [], ports: [] } : undefined;
  }
  const image = v.image === undefined || v.image === null ? "" : stringify(v.image).trim();
  if (!image) return undefined;
  const env = isRec(v.env) ? Object.fromEntries(Object.entries(v.env).map(([k, x]) => [k, stringify(x)])) : {};
  const spec: ContainerSpec = { image, env, options: words(v.options, `${field}.options`), volumes: list(v.volumes), ports: list(v.ports) };
  if (typeof v.entrypoint === "string" && v.entrypoint !== "") spec.entrypoint = v.entrypoint;
  if (v.command !== undefined && v.command !== null && v.command !== "") spec.command = words(v.command, `${field}.command`);
  return spec;
}

/** `services:`, evaluated: the services that have an image, by id. */
export function serviceSpecsOf(v: Value | undefined, field = "services"): Record<string, ContainerSpec> {
  const out: Record<string, ContainerSpec> = {};
  if (!isRec(v)) return out;
  for (const [id, raw] of Object.entries(v)) {
    const spec = containerSpecOf(raw, `${field}.${id}`);
    if (spec) out[id] = spec;
  }
  return out;
}
