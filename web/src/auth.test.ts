import { describe, expect, it } from "vitest";
import { roleCan } from "./auth.js";

describe("roleCan", () => {
  it.each([
    ["viewer", { operate: false, approve: false, admin: false }],
    ["operator", { operate: true, approve: false, admin: false }],
    ["approver", { operate: true, approve: true, admin: false }],
    ["admin", { operate: true, approve: true, admin: true }],
    ["runner", { operate: false, approve: false, admin: false }],
  ] as const)("%s may %j", (role, may) => {
    expect({ operate: roleCan(role, "operate"), approve: roleCan(role, "approve"), admin: roleCan(role, "admin") }).toEqual(may);
  });
});
