import { it } from "vitest";
import { parseWorkflowText } from "./load.js";
import { evaluate } from "./expressions.js";
it("scratch", async () => {
  const w = `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo
  b:
    runs-on: ubuntu-latest
    needs: [a, nope]
    steps:
      - run: echo
`;
  try { await parseWorkflowText(w, "w.yml"); } catch (e) { console.log(JSON.stringify((e as {problems?: unknown}).problems)); }
  const fns = [{ name: "success", minArgs: 0, maxArgs: 0, call: () => true }];
  for (const e of ["Success()", "SUCCESS() && true", "fromjson('1')", "FORMAT('{0}', 1)", "\"x\"", "1 +", "nope.x", "unknownfn()", "contains('a')", "github.event.commits.*.id[1]"]) {
    try { console.log(e, JSON.stringify(evaluate(e, { github: { event: { commits: [{ id: "a" }, { id: "b" }] } } }, fns))); } catch (err) { console.log(e, "THROWS", (err as Error).name, (err as Error).message); }
  }
});
