export type * from "./applications.js";
export type * from "./artifacts.js";
export type * from "./promotion.js";
export type * from "./resources.js";
export type * from "./runs.js";
