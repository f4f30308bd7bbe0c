import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { GitError } from "./git.js";

export interface GitHttpRequest {
  /** The bare repository to serve. */
  repoDir: string;
  /** The request path below the repository: `/info/refs` or `/git-upload-pack`. */
  pathInfo: string;
  method: string;
  /** The URL's query string, with or without the leading `?`. */
  query: string;
  contentType?: string | undefined;
  /** The `Content-Encoding` request header; git gzips large requests. */
  contentEncoding?: string | undefined;
  body: NodeJS.ReadableStream;
  /** The `Git-Protocol` request header (`version=2`). */
  gitProtocol?: string | undefined;
  /** Extra environment for `git http-backend`, layered over `process.env`. */
  env?: Record<string, string> | undefined;
}

export interface GitHttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: NodeJS.ReadableStream;
}

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;
/** Variables a parent process may have set that would redirect or widen what git serves. */
const SCRUBBED_ENV = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_NAMESPACE",
  "GIT_PROTOCOL",
  "HTTP_GIT_PROTOCOL",
  "REMOTE_USER",
  "REMOTE_ADDR",
  "CONTENT_LENGTH",
] as const;
/** Read-only smart HTTP: never receive-pack or raw files; fetching any sha the mirror holds is fine. */
const SERVER_CONFIG = [
  ["http.receivepack", "false"],
  ["http.getanyfile", "false"],
  ["http.uploadpack", "true"],
  ["uploadpack.allowAnySHA1InWant", "true"],
] as const;

/**
 * Serves a bare repository over Git's smart HTTP protocol (v0 and v2), read-only,
 * by running `git http-backend` as a CGI program. Mount it under any HTTP server:
 * pass the request's path below the repository, method, query, headers and body,
 * and send back the status, headers and streamed body. Pushes get 403.
 */
export async function handleGitHttp(req: GitHttpRequest): Promise<GitHttpResponse> {
  const query = req.query.startsWith("?") ? req.query.slice(1) : req.query;
  const service = new URLSearchParams(query).get("service");
  const refusal = refuse(req.pathInfo, req.method, service);
  if (refusal !== null) {
    req.body.resume();
    return refusal;
  }
  const repoDir = path.resolve(req.repoDir);
  if (!(await isDirectory(repoDir))) {
    req.body.resume();
    return textResponse(404, "repository not found");
  }

  const env: NodeJS.ProcessEnv = { ...process.env, ...req.env };
  for (const name of SCRUBBED_ENV) delete env[name];
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: "0",
    GIT_HTTP_EXPORT_ALL: "1",
    GIT_PROJECT_ROOT: path.dirname(repoDir),
    PATH_INFO: `/${path.basename(repoDir)}${req.pathInfo}`,
    REQUEST_METHOD: req.method,
    QUERY_STRING: query,
  });
  if (req.contentType !== undefined) env.CONTENT_TYPE = req.contentType;
  if (req.contentEncoding !== undefined) env.HTTP_CONTENT_ENCODING = req.contentEncoding;
  // Older gits read GIT_PROTOCOL only; 2.34+ also translate HTTP_GIT_PROTOCOL themselves.
  if (req.gitProtocol !== undefined && /^[A-Za-z0-9=:._-]{1,256}$/.test(req.gitProtocol)) {
    env.GIT_PROTOCOL = req.gitProtocol;
    env.HTTP_GIT_PROTOCOL = req.gitProtocol;
  }
  addConfig(env, SERVER_CONFIG);

  return runCgi(env, req.method === "POST" ? req.body : null, () => req.body.resume());
}

function refuse(pathInfo: string, method: string, service: string | null): GitHttpResponse | null {
  if (pathInfo === "/git-receive-pack" || service === "git-receive-pack") {
    return textResponse(403, "pushing is not allowed");
  }
  if (pathInfo === "/info/refs") {
    if (method !== "GET") return textResponse(405, "method not allowed", { allow: "GET" });
    if (service !== "git-upload-pack") return textResponse(403, "only the smart HTTP protocol is served");
    return null;
  }
  if (pathInfo === "/git-upload-pack") {
    return method === "POST" ? null : textResponse(405, "method not allowed", { allow: "POST" });
  }
  return textResponse(404, "not found");
}

/** Runs `git http-backend`, resolving once its CGI headers are complete; the rest streams. */
function runCgi(env: NodeJS.ProcessEnv, input: NodeJS.ReadableStream | null, drain: () => void): Promise<GitHttpResponse> {
  const args = ["http-backend"];
  return new Promise<GitHttpResponse>((resolve, reject) => {
    const child = spawn("git", args, { env, shell: false, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    let head = Buffer.alloc(0);
    let body: PassThrough | null = null;
    let stderr = "";

    const fail = (error: Error): void => {
      if (body === null) reject(error);
      else body.destroy(error);
      if (child.exitCode === null && child.signalCode === null) child.kill();
    };

    const onHead = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = headerEnd(head);
      if (end === null) {
        if (head.length > MAX_HEADER_BYTES) {
          child.stdout.off("data", onHead);
          fail(new GitError(args, "git http-backend sent oversized CGI headers", -1));
        }
        return;
      }
      child.stdout.off("data", onHead);
      const { status, headers } = parseCgiHeaders(head.subarray(0, end.at).toString("latin1"));
      const stream = new PassThrough();
      body = stream;
      stream.write(head.subarray(end.at + end.length));
      child.stdout.pipe(stream);
      // The consumer went away (client disconnected): stop git.
      stream.on("close", () => {
        if (!stream.readableEnded && child.exitCode === null && child.signalCode === null) child.kill();
      });
      resolve({ status, headers, body: stream });
    };

    child.stdout.on("data", onHead);
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString("utf8");
    });
    child.on("error", (error: Error) => fail(new GitError(args, error.message, -1, { cause: error })));
    child.on("close", (code: number | null) => {
      if (body === null) reject(new GitError(args, stderr || "no CGI headers", code ?? -1));
      // After the headers, a failing exit is left to the protocol: git's pkt-lines are
      // self-delimiting, and the error packet git may have sent is worth delivering.
    });

    child.stdin.on("error", () => undefined);
    if (input === null) {
      drain();
      child.stdin.end();
    } else {
      input.on("error", (error: Error) => fail(error));
      input.pipe(child.stdin);
    }
  });
}

function headerEnd(buffer: Buffer): { at: number; length: number } | null {
  const crlf = buffer.indexOf("\r\n\r\n");
  const lf = buffer.indexOf("\n\n");
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : null;
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "status") {
      const code = Number.parseInt(value, 10);
      if (code >= 100 && code <= 599) status = code;
    } else {
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
  }
  return { status, headers };
}

function addConfig(env: NodeJS.ProcessEnv, entries: readonly (readonly [string, string])[]): void {
  const parsed = Number.parseInt(env.GIT_CONFIG_COUNT ?? "0", 10);
  let count = Number.isInteger(parsed) && parsed > 0 ? parsed : 0;
  for (const [key, value] of entries) {
    env[`GIT_CONFIG_KEY_${count}`] = key;
    env[`GIT_CONFIG_VALUE_${count}`] = value;
    count += 1;
  }
  env.GIT_CONFIG_COUNT = String(count);
}

function textResponse(status: number, text: string, extra: Record<string, string> = {}): GitHttpResponse {
  return {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache", ...extra },
    body: Readable.from([`${text}\n`]),
  };
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
