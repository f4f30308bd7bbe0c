// The dashboard's API surface: calls, live events, the stored token.
export * from "./api-error.js";
export * from "./client.js";
export * from "./live.js";
export * from "./sse.js";
export * from "./token.js";
