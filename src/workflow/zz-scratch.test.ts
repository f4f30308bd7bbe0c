import { it } from "vitest";
import { parseWorkflowText } from "./load.js";
it("scratch", async () => {
  for (const c of ["on: push\njobs:\n  a:\n    steps:\n      - run: echo hi\n", "on: push\njobs:\n  call:\n    uses: docker://alpine:3\n", "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo one\n      - run: echo two\n        uses: actions/checkout@v4\n"]) {
  try { await parseWorkflowText(c, "w.yml"); } catch (e) { console.log(JSON.stringify((e as {problems?: unknown}).problems)); }
  }
});
