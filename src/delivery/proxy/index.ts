export { createServiceProxy } from "./create-service-proxy.js";
export { ProxyListenError } from "./proxy-listen-error.js";
export { backendSchema, serviceProxySettingsSchema, type Backend, type ServiceProxySettings, type ServiceProxySettingsInput } from "./schema.js";
export type { BackendStats, ProxyLogger, ProxyStats, ServiceProxy, ServiceProxyOptions } from "./types.js";
