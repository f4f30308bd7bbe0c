import { describe, expect, it } from "vitest";
import { verificationSchema, type Verification } from "../resources/index.js";
import { verificationResult, type CheckOutcome } from "./verification-result.js";

const verification: Verification = verificationSchema.parse({
  checks: [{ http: { url: "https://staging.example.com/healthz" } }, { run: { command: ["./smoke-test", "--fast"] } }],
});

const pass: CheckOutcome = { passed: true };

describe("verificationResult", () => {
  it("is Verified when every check ran and passed", () => {
    expect(verificationResult(verification, [pass, { passed: true, message: "200 OK" }])).toEqual({ phase: "Verified" });
  });

  it.each<[string, Verification | undefined, (CheckOutcome | undefined)[], string[]]>([
    [
      "one check failed",
      verification,
      [pass, { passed: false, message: "exit status 1" }],
      ["checks[1] (run ./smoke-test): exit status 1"],
    ],
    [
      "every check failed, each with its reason",
      verification,
      [{ passed: false, message: "status 503, expected 2xx" }, { passed: false }],
      ["checks[0] (GET https://staging.example.com/healthz): status 503, expected 2xx", "checks[1] (run ./smoke-test): failed"],
    ],
    ["no outcome at all", verification, [], ["no check reported an outcome"]],
    ["a check without an outcome", verification, [pass], ["checks[1] (run ./smoke-test): no outcome; the check did not run or its result was lost"]],
    ["a hole in the outcomes", verification, [undefined, pass], ["checks[0] (GET https://staging.example.com/healthz): no outcome; the check did not run or its result was lost"]],
    ["more outcomes than checks", verification, [pass, pass, pass], ["got 3 outcomes for 2 checks"]],
    ["no verification defined", undefined, [pass], ["no verification checks are defined, so nothing was verified"]],
  ])("is Failed when %s", (_name, spec, outcomes, reasons) => {
    expect(verificationResult(spec, outcomes)).toEqual({ phase: "Failed", reasons });
  });

  it("counts only passed: true as a pass, whatever else a runner sends", () => {
    const loose = [{ passed: "true" }, { passed: 1 }] as unknown as CheckOutcome[];

    expect(verificationResult(verification, loose)).toMatchObject({ phase: "Failed", reasons: [expect.stringContaining("checks[0]"), expect.stringContaining("checks[1]")] });
  });
});
