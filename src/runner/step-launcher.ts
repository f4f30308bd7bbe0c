import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { killGroup } from "./process-group.js";
import type { SpawnOptions, SpawnResult } from "./process-group.js";

/**
 * The launcher: a tiny Perl loop that forks and execs each step on the job's behalf. Forking from
 * Node costs time in proportion to its memory (2-4 ms here), several times a trivial step; Perl
 * forks in a fraction of that. Each step still gets its own process group, exact environment,
 * working directory and /dev/null stdin; its stdout and stderr are the launcher's, and a sentinel
 * line written after the step exits marks the end of its output on each stream.
 */
const SCRIPT = String.raw`
use strict; use warnings; use POSIX ();
open(my $ctl, '>&=', 3) or die "fd 3: $!";
select((select($ctl), $| = 1)[0]); select((select(STDERR), $| = 1)[0]); $| = 1;
my $token = shift @ARGV;
while (defined(my $req = <STDIN>)) {
  chomp $req;
  my $data = do { local $/; open(my $fh, '<', $req) or die "request $req: $!"; <$fh> };
  my @f = split /\0/, $data, -1; pop @f;
  my $cwd = shift @f; my $n = shift @f; my @argv = splice(@f, 0, $n);
  my $pid = fork();
  if (!defined $pid) { print STDOUT "\x1e$token\x1e\n"; print STDERR "cannot fork: $!\n\x1e$token\x1e\n"; print $ctl "exit 0 127 0\n"; next; }
  if ($pid == 0) {
    setpgrp(0, 0);
    %ENV = ();
    for my $kv (@f) { my ($k, $v) = split /=/, $kv, 2; $ENV{$k} = $v; }
    close $ctl; close STDIN; open(STDIN, '<', '/dev/null');
    chdir $cwd or do { print STDERR "cannot enter $cwd: $!\n"; POSIX::_exit(127); };
    { no warnings 'exec'; exec { $argv[0] } @argv; }
    print STDERR "cannot start $argv[0]: $!\n"; POSIX::_exit(127);
  }
  print $ctl "started $pid\n";
  waitpid($pid, 0);
  my $st = $?;
  print STDOUT "\x1e$token\x1e\n"; print STDERR "\x1e$token\x1e\n";
  print $ctl "exit $pid " . ($st >> 8) . " " . ($st & 127) . "\n";
}
`;

export type StepLauncher = { run(command: string, args: readonly string[], opts: SpawnOptions): Promise<SpawnResult>; close(): void };

type Current = {
  opts: SpawnOptions;
  pid?: number;
  exit?: { code: number; signal: number };
  ended: { stdout: boolean; stderr: boolean };
  finish(): void;
};

function lines(stream: Readable, onLine: (line: string) => void): void {
  let rest = "";
  const decoder = new TextDecoder();
  stream.on("data", (chunk: Buffer) => {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = parts.pop() ?? "";
    for (const p of parts) onLine(p.endsWith("\r") ? p.slice(0, -1) : p);
  });
}

/** Starts a launcher for one job, or returns undefined when this host has no perl. */
export function createStepLauncher(perl: string | undefined, scratchDir: string): StepLauncher | undefined {
  if (!perl) return undefined;
  const token = `ferry-step-end-${randomBytes(8).toString("hex")}`;
  const sentinel = `\x1e${token}\x1e`;
  const child: ChildProcess = spawn(perl, ["-e", SCRIPT, token], { stdio: ["pipe", "pipe", "pipe", "pipe"] });
  const requestFile = join(scratchDir, "launch-request");
  let current: Current | undefined;
  let dead = false;

  const onOutput = (stream: "stdout" | "stderr") => (line: string): void => {
    const at = line.indexOf(sentinel);
    if (at < 0) {
      current?.opts.onLine(line, stream);
      return;
    }
    if (at > 0) current?.opts.onLine(line.slice(0, at), stream);
    if (current) {
      current.ended[stream] = true;
      current.finish();
    }
  };
  lines(child.stdout as Readable, onOutput("stdout"));
  lines(child.stderr as Readable, onOutput("stderr"));
  lines(child.stdio[3] as Readable, (line) => {
    const [kind, pid, code, signal] = line.split(" ");
    if (!current) return;
    if (kind === "started") current.pid = Number(pid);
    else if (kind === "exit") {
      current.exit = { code: Number(code), signal: Number(signal) };
      current.finish();
    }
  });
  child.on("exit", () => {
    dead = true;
    if (current) {
      current.exit ??= { code: 127, signal: 0 };
      current.ended = { stdout: true, stderr: true };
      current.finish();
    }
  });

  return {
    run(command, args, opts) {
      if (dead || current) return Promise.reject(new Error("the step launcher is not available"));
      return new Promise((resolve) => {
        let timedOut = false;
        let cancelled = false;
        let settled = false;
        const stop = (): void => {
          if (!cur.pid) return;
          killGroup(cur.pid, "SIGTERM");
          const pid = cur.pid;
          setTimeout(() => killGroup(pid, "SIGKILL"), opts.killGraceMs ?? 2000).unref();
        };
        const timer = opts.timeoutMs !== undefined ? setTimeout(() => { timedOut = true; stop(); }, opts.timeoutMs) : undefined;
        const onAbort = (): void => { cancelled = true; stop(); };
        const cur: Current = {
          opts,
          ended: { stdout: false, stderr: false },
          finish() {
            if (settled || !cur.exit || !cur.ended.stdout || !cur.ended.stderr) return;
            settled = true;
            current = undefined;
            if (timer) clearTimeout(timer);
            opts.signal?.removeEventListener("abort", onAbort);
            if (timedOut || cancelled) killGroup(cur.pid, "SIGKILL");
            const { code, signal } = cur.exit;
            resolve({ exitCode: signal ? 128 + signal : code, signal: null, timedOut, cancelled, pid: cur.pid });
          },
        };
        current = cur;
        if (opts.signal?.aborted) cancelled = true;
        else opts.signal?.addEventListener("abort", onAbort, { once: true });
        writeFileSync(requestFile, `${[opts.cwd, String(args.length + 1), command, ...args, ...Object.entries(opts.env).map(([k, v]) => `${k}=${v}`)].join("\0")}\0`);
        (child.stdin as NodeJS.WritableStream).write(`${requestFile}\n`);
        if (cancelled) {
          // Aborted before it began: let it start, then stop it at once.
          const check = setInterval(() => { if (cur.pid) { clearInterval(check); stop(); } }, 5);
          check.unref();
        }
      });
    },
    close() {
      dead = true;
      (child.stdin as NodeJS.WritableStream).end();
    },
  };
}
