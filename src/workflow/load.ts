import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { NoOperationTraceWriter, convertWorkflowTemplate, parseWorkflow } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/action-parser";
import { InputError } from "./errors.js";
import type { InputProblem } from "./errors.js";
import type { InputDef, JobDef, RunDefaults, StepDef, WorkflowDef } from "./model.js";
import { normalizeOn } from "./triggers.js";
import { readYaml } from "./yaml-source.js";
import type { YamlSource } from "./yaml-source.js";
import { checkUses } from "./uses.js";

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
/** A scalar from YAML as text; mappings and lists (which the schema already rejected) as JSON. */
const text = (v: unknown): string => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v as string | number | boolean));
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : text(v));

type ParserError = { message: string; range?: { start: { line: number; column: number } } };

function parserProblems(file: string, errors: readonly ParserError[]): InputProblem[] {
  return errors.map((e) => ({
    file,
    line: e.range?.start.line,
    column: e.range?.start.column,
    message: e.message.replace(/^.*?\(Line: \d+, Col: \d+\): /, "").replace(`${file}: `, "").replace(/ at line \d+, column \d+:[\s\S]*$/, ""),
  }));
}

/** Reads and validates a workflow file; throws InputError naming file, line and column. */
export async function loadWorkflow(path: string, displayPath = path): Promise<WorkflowDef> {
  let content: string;
  try {
    content = await readFile(path, "utf8");
  } catch (error: unknown) {
    throw new InputError([{ file: displayPath, message: `cannot read workflow: ${(error as Error).message}` }]);
  }
  return parseWorkflowText(content, displayPath, resolve(path));
}

export async function parseWorkflowText(content: string, file: string, absPath = file): Promise<WorkflowDef> {
  const result = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const problems = parserProblems(file, result.context.errors.getErrors() as ParserError[]);
  if (problems.length === 0 && result.value) {
    await convertWorkflowTemplate(result.context, result.value);
    problems.push(...parserProblems(file, result.context.errors.getErrors() as ParserError[]));
  }
  if (problems.length === 0 && !result.value) problems.push({ file, line: 1, column: 1, message: "the workflow is empty" });
  const source = readYaml(content);
  if (problems.length === 0) problems.push(...extraChecks(source, file));
  if (problems.length > 0) throw new InputError(problems);
  return toModel(source, file, absPath);
}

function extraChecks(source: YamlSource, file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const root = source.value as Rec;
  const jobs = isRec(root.jobs) ? root.jobs : {};
  for (const [id, job] of Object.entries(jobs)) {
    if (!isRec(job)) continue;
    if (typeof job.uses === "string") {
      const why = checkUses(job.uses, "workflow");
      if (why) problems.push({ file, ...source.lineOf(["jobs", id, "uses"]), message: why });
    }
    const steps = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((step: unknown, i: number) => {
      if (isRec(step) && typeof step.uses === "string") {
        const why = checkUses(step.uses, "step");
        if (why) problems.push({ file, ...source.lineOf(["jobs", id, "steps", i, "uses"]), message: why });
      }
    });
  }
  return problems;
}

function defaultsOf(v: unknown): RunDefaults {
  const run = isRec(v) && isRec(v.run) ? v.run : {};
  return { shell: run.shell, workingDirectory: run["working-directory"] };
}

export function toStep(raw: unknown, line?: number): StepDef {
  const s = isRec(raw) ? raw : {};
  return {
    id: str(s.id),
    name: s.name,
    if: str(s.if),
    uses: str(s.uses),
    run: s.run === undefined ? undefined : text(s.run),
    shell: s.shell,
    with: isRec(s.with) ? s.with : undefined,
    env: s.env,
    workingDirectory: s["working-directory"],
    continueOnError: s["continue-on-error"],
    timeoutMinutes: s["timeout-minutes"],
    line,
  };
}

function inputDefs(v: unknown): Record<string, InputDef> {
  const out: Record<string, InputDef> = {};
  if (!isRec(v)) return out;
  for (const [k, d] of Object.entries(v)) out[k] = (isRec(d) ? d : {}) as InputDef;
  return out;
}

function toModel(source: YamlSource, file: string, absPath: string): WorkflowDef {
  const root = source.value as Rec;
  const on = normalizeOn(root.on);
  const call = on.workflow_call;
  const jobs: JobDef[] = Object.entries(isRec(root.jobs) ? root.jobs : {}).map(([id, raw]) => {
    const j = isRec(raw) ? raw : {};
    const needs = j.needs === undefined ? [] : (Array.isArray(j.needs) ? j.needs as unknown[] : [j.needs]).map(text);
    const steps = Array.isArray(j.steps) ? j.steps : [];
    return {
      id,
      name: j.name,
      needs,
      if: str(j.if),
      runsOn: j["runs-on"],
      env: j.env,
      defaults: defaultsOf(j.defaults),
      strategy: j.strategy,
      outputs: isRec(j.outputs) ? j.outputs : undefined,
      steps: steps.map((s: unknown, i: number) => toStep(s, source.lineOf(["jobs", id, "steps", i])?.line)),
      timeoutMinutes: j["timeout-minutes"],
      continueOnError: j["continue-on-error"],
      container: j.container,
      services: j.services,
      concurrency: j.concurrency,
      uses: str(j.uses),
      with: isRec(j.with) ? j.with : undefined,
      secrets: j.secrets === "inherit" ? "inherit" : isRec(j.secrets) ? j.secrets : undefined,
      line: source.lineOf(["jobs", id])?.line,
    } satisfies JobDef;
  });
  return {
    file,
    absPath,
    name: str(root.name),
    on,
    env: root.env,
    defaults: defaultsOf(root.defaults),
    concurrency: root.concurrency,
    jobs,
    call: call === undefined ? undefined : {
      inputs: inputDefs(call?.inputs),
      secrets: (isRec(call?.secrets) ? call.secrets : {}) as Record<string, { required?: boolean }>,
      outputs: (isRec(call?.outputs) ? call.outputs : {}) as Record<string, { value?: unknown }>,
    },
    dispatchInputs: on.workflow_dispatch === undefined ? undefined : inputDefs(on.workflow_dispatch?.inputs),
    schedules: isRec(root.on) && Array.isArray(root.on.schedule)
      ? (root.on.schedule as unknown[]).flatMap((e) => (isRec(e) && typeof e.cron === "string" ? [e.cron] : []))
      : [],
  };
}

/** An action.yml, validated against GitHub's action schema. */
export type ActionDef = {
  file: string;
  name?: string | undefined;
  inputs: Record<string, { default?: unknown; required?: boolean }>;
  outputs: Record<string, { value?: unknown }>;
  runs: { using: string; main?: string; pre?: string; post?: string; "pre-if"?: string; "post-if"?: string; steps?: StepDef[]; image?: string };
};

export function parseActionText(content: string, file: string): ActionDef {
  const result = parseAction({ name: file, content }, new NoOperationTraceWriter());
  // GitHub's runner does not insist on the marketplace fields `name` and `description` for
  // actions it runs, and local actions written inline by workflows often leave them out.
  const problems = parserProblems(file, result.context.errors.getErrors() as ParserError[])
    .filter((p) => !/^Required property is missing: (name|description)$/.test(p.message));
  const source = readYaml(content);
  const root = isRec(source.value) ? source.value : {};
  const runs = isRec(root.runs) ? root.runs : {};
  if (problems.length === 0 && runs.using === "composite" && !Array.isArray(runs.steps)) {
    problems.push({ file, ...source.lineOf(["runs"]), message: "a composite action needs runs.steps" });
  }
  if (problems.length === 0 && Array.isArray(runs.steps)) {
    runs.steps.forEach((s: unknown, i: number) => {
      if (isRec(s) && typeof s.uses === "string") {
        const why = checkUses(s.uses, "step");
        if (why) problems.push({ file, ...source.lineOf(["runs", "steps", i, "uses"]), message: why });
      } else if (isRec(s) && s.run !== undefined && s.shell === undefined) {
        problems.push({ file, ...source.lineOf(["runs", "steps", i]), message: "a run step in a composite action needs shell" });
      }
    });
  }
  if (problems.length > 0) throw new InputError(problems);
  return {
    file,
    name: str(root.name),
    inputs: (isRec(root.inputs) ? root.inputs : {}) as ActionDef["inputs"],
    outputs: (isRec(root.outputs) ? root.outputs : {}) as ActionDef["outputs"],
    runs: {
      ...(runs as ActionDef["runs"]),
      steps: Array.isArray(runs.steps) ? runs.steps.map((s: unknown, i: number) => toStep(s, source.lineOf(["runs", "steps", i])?.line)) : undefined,
    } as ActionDef["runs"],
  };
}
