import { z } from "zod";
import { RegistryError } from "./errors.js";
import { imageIndexSchema, imageManifestSchema } from "./schema.js";
import type { Descriptor } from "./schema.js";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

const imageTypes: readonly string[] = [OCI_MANIFEST, DOCKER_MANIFEST];
const indexTypes: readonly string[] = [OCI_INDEX, DOCKER_MANIFEST_LIST];
export const manifestMediaTypes: readonly string[] = [...imageTypes, ...indexTypes];

export type ParsedManifest = {
  mediaType: string;
  kind: "image" | "index";
  /** The config and layers of an image manifest: blobs that must be in the repository. */
  blobs: Descriptor[];
  /** The children of an index: manifests that must be in the repository. */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
};

const invalid = (message: string, detail?: unknown): RegistryError => new RegistryError("MANIFEST_INVALID", message, detail === undefined ? {} : { detail });

/** The media type of a Content-Type header, without parameters; undefined for none. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type === undefined || type === "" ? undefined : type;
}

/**
 * Parses and checks a pushed manifest. The `mediaType` field, when present, must equal the Content-Type;
 * without it the Content-Type decides, and without a known one the shape does (`manifests` → index).
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (error: unknown) {
    throw invalid(`the manifest is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw invalid("the manifest must be a JSON object");
  const declared = (json as { mediaType?: unknown }).mediaType;
  if (declared !== undefined && typeof declared !== "string") throw invalid("mediaType must be a string");
  const header = mediaTypeOf(contentType);
  if (declared !== undefined && header !== undefined && declared.toLowerCase() !== header) {
    throw invalid(`the manifest's mediaType "${declared}" differs from the Content-Type "${header}"`, { mediaType: declared, contentType: header });
  }
  const mediaType = declared ?? (header !== undefined && manifestMediaTypes.includes(header) ? header : "manifests" in json ? OCI_INDEX : OCI_MANIFEST);
  const kind = imageTypes.includes(mediaType) ? "image" : indexTypes.includes(mediaType) ? "index" : undefined;
  if (kind === undefined) throw invalid(`manifest media type "${mediaType}" is not supported; push one of ${manifestMediaTypes.join(", ")}`, { mediaType });

  const parsed = (kind === "image" ? imageManifestSchema : imageIndexSchema).safeParse(json);
  if (!parsed.success) throw invalid(`the manifest is not a valid ${mediaType}: ${z.prettifyError(parsed.error)}`, { issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) });
  const m = parsed.data;
  return {
    mediaType, kind,
    blobs: "config" in m ? [m.config, ...m.layers] : [],
    manifests: "manifests" in m ? m.manifests : [],
    ...(m.subject === undefined ? {} : { subject: m.subject }),
    ...(m.artifactType === undefined ? {} : { artifactType: m.artifactType }),
    ...(m.annotations === undefined ? {} : { annotations: m.annotations }),
  };
}

/** The artifactType a referrers list shows: the manifest's own, else (for an image manifest) its config's media type. */
export function effectiveArtifactType(m: ParsedManifest): string | undefined {
  return m.artifactType ?? (m.kind === "image" ? m.blobs[0]?.mediaType : undefined);
}

/** Layers that registries never hold: foreign / non-distributable layers with external URLs. */
export function isExternalLayer(d: Descriptor): boolean {
  return (d.urls?.length ?? 0) > 0 && (d.mediaType.includes("nondistributable") || d.mediaType.includes("foreign"));
}
