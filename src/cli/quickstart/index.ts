export { findQuickstart } from "./find-quickstart.js";
export { seedQuickstart, type QuickstartState, type SeedOptions } from "./seed-quickstart.js";
