export { alwaysHealthyProber } from "./always-healthy-prober.js";
export { createProber, type ProberOptions } from "./create-prober.js";
export { createExecProbe, type ExecProbeOptions } from "./exec-probe.js";
export { createHttpProbe, type HttpProbeOptions } from "./http-probe.js";
export { proberSettingsSchema, type ProberSettings, type ProberSettingsInput } from "./prober-settings.js";
export { ProberStoppedError } from "./prober-stopped-error.js";
export { createTcpProbe } from "./tcp-probe.js";
export type { HealthChange, HealthState, Probe, ProbeResult, ProbeTarget, Prober } from "./types.js";
