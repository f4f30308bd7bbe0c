export { createAgent, type Agent, type AgentOptions } from "./agent.js";
export type { ApplicationStatus } from "./application-controller.js";
export type { DriftView } from "./drift-healer.js";
