import { describe, expect, it } from "vitest";
import { confirmAbort, confirmApprove, confirmPromote, freightLabel, promotionWrites, shortDigest } from "./describe-action.js";
import { aFreight, aPromotion, aStage } from "./promotion.testing.js";

const steps = [
  { uses: "git-clone", as: "clone", config: { repoURL: "https://git.example.com/acme/config.git", branch: "main", path: "config" } },
  { uses: "yaml-update", config: { path: "${{ outputs.clone.path }}", file: "prod/web.yaml" } },
  { uses: "git-commit", config: { path: "${{ outputs.clone.path }}", message: "promote" } },
  { uses: "git-push", config: { path: "${{ outputs.clone.path }}" } },
];

describe("describing what an action changes", () => {
  it("shortens digests to something recognisable", () => {
    expect(shortDigest(`sha256:ab12${"0".repeat(60)}`)).toBe("sha256:ab1200000000…");
    expect(shortDigest("sha256:ab12")).toBe("sha256:ab12");
  });

  it("labels freight by alias and first digest", () => {
    expect(freightLabel(aFreight("f1", { digest: `sha256:cd34${"0".repeat(60)}` }))).toBe("alias-f1 (sha256:cd3400000000…)");
  });

  it("names the repository and branch a stage's promotion writes to; the push's branch wins", () => {
    expect(promotionWrites(aStage("prod", { steps }))).toEqual(["https://git.example.com/acme/config.git main"]);
    const toRelease = steps.map((s) => (s.uses === "git-push" ? { ...s, config: { ...s.config, branch: "release" } } : s));
    expect(promotionWrites(aStage("prod", { steps: toRelease }))).toEqual(["https://git.example.com/acme/config.git release"]);
  });

  it("names the freight, the stage and where it writes in the Promote confirmation", () => {
    const c = confirmPromote(aFreight("f1", { digest: `sha256:ab12${"0".repeat(60)}` }), aStage("prod", { steps, current: "0123456789abcdef0123" }));
    expect(c.title).toBe("Promote alias-f1 to prod?");
    expect(c.body).toBe("Promote freight alias-f1 (sha256:ab1200000000…) to prod: writes to https://git.example.com/acme/config.git main. It replaces what prod runs now (freight 01234567…).");
  });

  it("says an approval leads to an automatic promotion where the stage auto-promotes", () => {
    expect(confirmApprove(aFreight("f1"), aStage("prod")).body).toMatch(/for prod; the approval is recorded under your name\. prod promotes it automatically once approved\.$/);
  });

  it("says an abort does not undo what is pushed", () => {
    expect(confirmAbort(aPromotion(4, "prod", "f1", "Running"), aFreight("f1")).body).toMatch(/^Abort promotion #4 of freight alias-f1 \(sha256:abababababab…\) to prod \(Running\)\. .*not reverted\.$/);
  });
});
