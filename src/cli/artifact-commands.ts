import { resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../workflow/index.js";
import type { ArtifactInfo, ArtifactReference, ArtifactVersion } from "../registry/artifact/index.js";
import type { RegistryClient } from "../registry/client/index.js";
import { resolveServer } from "./client/api-client.js";
import type { ClientOptions } from "./client/api-client.js";

type Write = (s: string) => void;
type Exit = (code: number) => void;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The registry and token, resolved as every API command resolves them. */
const registryTarget = (o: ClientOptions): { url: string; token: string } => resolveServer(o);

async function client(cmd: Command): Promise<RegistryClient> {
  const { createRegistryClient } = await import("../registry/client/index.js");
  return createRegistryClient(registryTarget(cmd.optsWithGlobals<ClientOptions>()));
}

async function reference(text: string): Promise<ArtifactReference> {
  const { parseArtifactReference } = await import("../registry/artifact/index.js");
  return parseArtifactReference(text);
}

function parseAnnotations(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of pairs) {
    const i = kv.indexOf("=");
    if (i <= 0) throw new InputError([{ file: "--annotation", message: `expected key=value, got "${kv}"` }]);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u] ?? ""}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n") + "\n";
}

function describeArtifact(info: ArtifactInfo, shown: ReadonlySet<string>): string {
  const lines: Array<[string, string | undefined]> = [
    ["name", info.name], ["version", info.tag], ["digest", info.digest], ["type", info.artifactType],
    ["size", `${bytes(info.size)} in ${info.layers.length} layer${info.layers.length === 1 ? "" : "s"} (manifest ${info.manifestSize} B)`],
    ["created", info.created], ["repository", info.provenance.repository], ["commit", info.provenance.commit],
    ["run", info.provenance.run], ["job", info.provenance.job],
  ];
  let out = lines.filter((l): l is [string, string] => l[1] !== undefined).map(([k, v]) => `${`${k}:`.padEnd(12)}${v}\n`).join("");
  const rest = Object.entries(info.annotations).filter(([k]) => !shown.has(k));
  if (rest.length > 0) out += `annotations:\n${rest.map(([k, v]) => `  ${k}=${v}\n`).join("")}`;
  out += info.referrers.length === 0 ? "referrers:  none\n" : `referrers:\n${info.referrers.map((r) => `  ${r.digest}  ${r.artifactType ?? r.mediaType}  ${bytes(r.size)}\n`).join("")}`;
  return out;
}

/** `ferry artifact push|pull|ls|inspect`: generic artifacts in the built-in registry. */
export function registerArtifactCommands(program: Command, write: Write, exit: Exit, writeErr: Write = (s) => { process.stderr.write(s); }): void {
  const withServer = (c: Command): Command => c
    .option("--server <url>", "the Ferry server (default FERRY_SERVER or http://127.0.0.1:8420)")
    .option("--token <token>", "an API token (default FERRY_TOKEN or .ferry/admin.token)")
    .option("--data-dir <dir>", "the data directory of a local ferry up, for its admin token");

  /** Failures the user can read: printed as one line; exit 2 for usage and not-found, 1 otherwise. */
  const handled = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => async (...args: A): Promise<void> => {
    try {
      await fn(...args);
    } catch (error: unknown) {
      const { ArtifactError, ExtractError } = await import("../registry/artifact/index.js");
      const { RegistryClientError } = await import("../registry/client/index.js");
      if (error instanceof ArtifactError) {
        writeErr(`error: ${error.message}\n`);
        return exit(error.isInput ? 2 : 1);
      }
      if (error instanceof ExtractError) {
        writeErr(`error: the artifact was refused (${error.code}): ${error.message}; nothing was extracted\n`);
        return exit(1);
      }
      if (error instanceof RegistryClientError) {
        writeErr(`error: ${error.message}\n`);
        return exit(error.status === 400 || error.status === 404 ? 2 : 1);
      }
      throw error;
    }
  };

  const artifact = program.command("artifact").description("push, pull, list and inspect artifacts in Ferry's registry");

  withServer(artifact.command("push"))
    .description("push files and directories as NAME:VERSION; prints the manifest digest")
    .argument("<name:version>").argument("<path...>")
    .option("-C, --directory <dir>", "archive the paths relative to this directory (default: the current one)")
    .option("-a, --annotation <k=v>", "a manifest annotation; repeatable", collect, [])
    .option("--source-repository <name>", "provenance: the Git repository (default GITHUB_REPOSITORY)")
    .option("--commit <sha>", "provenance: the commit (default GITHUB_SHA)")
    .option("--run <id>", "provenance: the workflow run (default GITHUB_RUN_ID)")
    .option("--job <id>", "provenance: the job (default GITHUB_JOB)")
    .action(handled(async (ref: string, paths: string[], o: { directory?: string; annotation: string[]; sourceRepository?: string; commit?: string; run?: string; job?: string }, cmd: Command) => {
      const r = await reference(ref);
      if (r.tag === undefined) throw new InputError([{ file: ref, message: "push needs NAME:VERSION (a version to tag, not a digest)" }]);
      const annotations = parseAnnotations(o.annotation);
      const registry = await client(cmd);
      const { pushArtifact } = await import("../registry/artifact/index.js");
      const pushed = await pushArtifact({
        client: registry, name: r.name, version: r.tag, paths, base: resolve(o.directory ?? "."), annotations, env: process.env,
        provenance: {
          ...(o.sourceRepository ? { repository: o.sourceRepository } : {}), ...(o.commit ? { commit: o.commit } : {}),
          ...(o.run ? { run: o.run } : {}), ...(o.job ? { job: o.job } : {}),
        },
      });
      writeErr(`pushed ${r.name}:${r.tag}: ${pushed.entries} entries, ${bytes(pushed.layer.size)}${pushed.layer.uploaded ? "" : " (content already stored)"}\n`);
      write(`${pushed.digest}\n`);
    }));

  withServer(artifact.command("pull"))
    .description("pull NAME[:VERSION|@DIGEST] into a new or empty directory (the latest version without one)")
    .argument("<ref>").argument("<dir>")
    .option("--max-bytes <n>", "refuse content larger than this (default: the artifact's size)")
    .option("--max-entries <n>", "refuse more entries than this", "100000")
    .action(handled(async (ref: string, dir: string, o: { maxBytes?: string; maxEntries: string }, cmd: Command) => {
      const r = await reference(ref);
      const number = (flag: string, v: string): number => {
        if (!/^\d+$/.test(v)) throw new InputError([{ file: flag, message: `expected a number of ${flag === "--max-bytes" ? "bytes" : "entries"}, got "${v}"` }]);
        return Number(v);
      };
      const registry = await client(cmd);
      const { pullArtifact, formatReference } = await import("../registry/artifact/index.js");
      const pulled = await pullArtifact({
        client: registry, reference: r, dir,
        ...(o.maxBytes === undefined ? {} : { maxBytes: number("--max-bytes", o.maxBytes) }), maxEntries: number("--max-entries", o.maxEntries),
      });
      const label = r.tag === undefined && pulled.tag !== undefined ? `${r.name}:${pulled.tag}` : formatReference(r);
      write(`pulled ${label} (${pulled.digest}) into ${dir}: ${pulled.files} files, ${bytes(pulled.bytes)}\n`);
    }));

  withServer(artifact.command("ls"))
    .description("list the versions of NAME; without NAME, the registry's repositories (when it lists them)")
    .argument("[name]")
    .option("-o, --output <format>", "table or json", "table")
    .option("-q, --quiet", "only the versions (or names)", false)
    .action(handled(async (name: string | undefined, o: { output: string; quiet: boolean }, cmd: Command) => {
      const registry = await client(cmd);
      if (name === undefined) {
        const names = await registry.catalog();
        if (names === undefined) throw new InputError([{ file: "NAME", message: `the registry at ${registry.url} does not list its repositories (no /v2/_catalog); name one: ferry artifact ls NAME` }]);
        write(o.output === "json" ? `${JSON.stringify(names, null, 2)}\n` : names.map((n) => `${n}\n`).join(""));
        return;
      }
      const r = await reference(name);
      const { listVersions } = await import("../registry/artifact/index.js");
      const versions: ArtifactVersion[] = o.quiet ? (await registry.listTags(r.name)).map((tag) => ({ tag, digest: "", created: undefined, size: 0, artifactType: undefined })) : await listVersions(registry, r.name);
      if (o.output === "json") return write(`${JSON.stringify(versions, null, 2)}\n`);
      if (o.quiet) return write(versions.map((v) => `${v.tag}\n`).join(""));
      write(table([["VERSION", "DIGEST", "CREATED", "SIZE"], ...versions.map((v) => [v.tag, v.digest, v.created ?? "-", bytes(v.size)])]));
    }));

  withServer(artifact.command("prune"))
    .description("delete versions beyond the newest N of each artifact, keeping those of freight in use and what a running Service names; then free the space (admin)")
    .option("--keep <n>", "versions to keep per artifact", "10")
    .option("--dry-run", "only list what would be deleted", false)
    .action(handled(async (o: { keep: string; dryRun: boolean }, cmd: Command) => {
      if (!/^\d+$/.test(o.keep) || Number(o.keep) < 1) throw new InputError([{ file: "--keep", message: `expected a number of versions (1 or more), got "${o.keep}"` }]);
      const { createApiClient } = await import("./client/api-client.js");
      const api = createApiClient(cmd.optsWithGlobals<ClientOptions>());
      const r = await api.request<{ deleted: Array<{ repository: string; tag: string; digest: string }>; reclaimed?: { blobs: number; bytes: number } }>(
        "POST", "/api/v1/registry/retention", { keepLast: Number(o.keep), dryRun: o.dryRun });
      for (const t of r.deleted) write(`${o.dryRun ? "would delete" : "deleted"} ${t.repository}:${t.tag} (${t.digest})\n`);
      write(r.deleted.length === 0 ? "nothing to delete\n" : r.reclaimed ? `freed ${bytes(r.reclaimed.bytes)} in ${r.reclaimed.blobs} blobs\n` : "");
    }));

  withServer(artifact.command("inspect"))
    .description("digest, size, creation time, provenance and referrers of NAME[:VERSION|@DIGEST]")
    .argument("<ref>")
    .option("-o, --output <format>", "text or json", "text")
    .action(handled(async (ref: string, o: { output: string }, cmd: Command) => {
      const r = await reference(ref);
      const registry = await client(cmd);
      const { inspectArtifact, ANNOTATIONS } = await import("../registry/artifact/index.js");
      const info = await inspectArtifact(registry, r);
      if (o.output === "json") return write(`${JSON.stringify(info, null, 2)}\n`);
      write(describeArtifact(info, new Set<string>(Object.values(ANNOTATIONS))));
    }));
}
