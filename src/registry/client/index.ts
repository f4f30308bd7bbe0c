export { createRegistryClient } from "./registry-client.js";
export type { BlobBody, FetchedManifest, PushedBlob, RegistryClient, RegistryClientOptions } from "./types.js";
export { clientErrorCodes, RegistryClientError } from "./registry-client-error.js";
export type { ClientErrorCode, RegistryErrorBody } from "./registry-client-error.js";
export { verifyBlob } from "./verify-blob.js";
export type { VerifyOptions } from "./verify-blob.js";
export { nextLink } from "./link-header.js";
