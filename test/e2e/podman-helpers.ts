import { execFile, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * Podman for end-to-end tests, the way it runs on these machines (podman 4.3 from Debian): no default
 * ulimits, cgroupfs, runc, file events; storage, registries, auth, networks and temporary files in a
 * temp dir of the test's own, so the machine's configuration and images are never touched. Images are
 * tiny: busybox-static built FROM scratch (there is no network).
 * Needs `apt-get install -y podman runc busybox-static` (and skopeo where a test uses it).
 */

/** Whether podman, runc and a static busybox are installed. */
export const podmanAvailable: boolean =
  spawnSync("podman", ["--version"]).status === 0 && spawnSync("runc", ["--version"]).status === 0 && spawnSync("test", ["-x", "/bin/busybox"]).status === 0;

export type CommandResult = { code: number; stdout: string; stderr: string };

export type ImageOptions = {
  /** Symlink every busybox applet into /bin (so there is a `/bin/sh`); default false. */
  install?: boolean;
  /** The image's CMD. */
  cmd?: readonly string[];
  /** More files in the image, by absolute path inside it. */
  files?: Readonly<Record<string, string>>;
};

export type PodmanSandbox = {
  /** The temp dir holding everything; removed by `cleanup`. */
  readonly dir: string;
  /** What podman (and skopeo, and a `ferry up` that runs podman) needs in its environment. */
  readonly env: Record<string, string>;
  /** Runs a command with `env` over this process's environment; a failure is a result. */
  run(program: string, args: readonly string[]): Promise<CommandResult>;
  /** Runs podman; rejects with its error output when it fails. */
  podman(...args: string[]): Promise<string>;
  /** Runs podman synchronously and returns its standard output ("" when it fails). */
  podmanSync(...args: string[]): string;
  /** Builds a busybox image FROM scratch tagged `tag`. */
  buildImage(tag: string, options?: ImageOptions): Promise<void>;
  /** Removes every container and image of the sandbox, then the temp dir. */
  cleanup(): Promise<void>;
};

/** Kills, with SIGKILL, every process whose command line `matches`, and all their descendants. */
function killProcessTrees(matches: (cmdline: string) => boolean): void {
  const read = (path: string): string => {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return "";
    }
  };
  const pids = readdirSync("/proc").filter((e) => /^\d+$/.test(e)).filter((pid) => matches(read(`/proc/${pid}/cmdline`).replaceAll("\0", " ")));
  const all = new Set<string>();
  const visit = (pid: string): void => {
    if (all.has(pid)) return;
    all.add(pid);
    for (const child of read(`/proc/${pid}/task/${pid}/children`).split(" ").filter(Boolean)) visit(child);
  };
  pids.forEach(visit);
  for (const pid of all) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone already
    }
  }
}

/** A podman configuration of its own in a new temp dir named after `prefix`. */
export function createPodmanSandbox(prefix: string): PodmanSandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const tmp = join(dir, "tmp");
  mkdirSync(tmp);
  writeFileSync(join(dir, "containers.conf"), [
    "[containers]", "default_ulimits = []", "",
    "[engine]", 'cgroup_manager = "cgroupfs"', 'runtime = "runc"', 'events_logger = "file"', `image_copy_tmp_dir = "${tmp}"`, "",
    "[network]", `network_config_dir = "${join(dir, "networks")}"`, "",
  ].join("\n"));
  writeFileSync(join(dir, "storage.conf"), ["[storage]", 'driver = "vfs"', `runroot = "${join(dir, "runroot")}"`, `graphroot = "${join(dir, "root")}"`, ""].join("\n"));
  writeFileSync(join(dir, "registries.conf"), "unqualified-search-registries = []\n");
  writeFileSync(join(dir, "auth.json"), "{}\n");
  const env: Record<string, string> = {
    CONTAINERS_CONF: join(dir, "containers.conf"),
    CONTAINERS_STORAGE_CONF: join(dir, "storage.conf"),
    CONTAINERS_REGISTRIES_CONF: join(dir, "registries.conf"),
    REGISTRY_AUTH_FILE: join(dir, "auth.json"),
    TMPDIR: tmp,
  };

  const run = (program: string, args: readonly string[]): Promise<CommandResult> => new Promise((done) => {
    execFile(program, [...args], { env: { ...process.env, ...env }, maxBuffer: 16 << 20, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ code, stdout, stderr: error !== null && stderr === "" ? error.message : stderr });
    });
  });

  async function podman(...args: string[]): Promise<string> {
    const r = await run("podman", args);
    if (r.code !== 0) throw new Error(`podman ${args.join(" ")}: exit code ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  let images = 0;
  return {
    dir,
    env,
    run,
    podman,
    podmanSync: (...args) => spawnSync("podman", args, { env: { ...process.env, ...env }, encoding: "utf8" }).stdout ?? "",
    async buildImage(tag, options = {}) {
      const context = join(dir, `image-${++images}`);
      mkdirSync(join(context, "root"), { recursive: true });
      copyFileSync("/bin/busybox", join(context, "busybox"));
      const lines = ["FROM scratch", "COPY busybox /bin/busybox"];
      const files = Object.entries(options.files ?? {});
      for (const [path, text] of files) {
        mkdirSync(dirname(join(context, "root", path)), { recursive: true });
        writeFileSync(join(context, "root", path), text);
      }
      if (files.length > 0) lines.push("COPY root /");
      if (options.install === true) lines.push('RUN ["/bin/busybox", "--install", "-s", "/bin"]');
      if (options.cmd !== undefined) lines.push(`CMD ${JSON.stringify(options.cmd)}`);
      writeFileSync(join(context, "Containerfile"), `${lines.join("\n")}\n`);
      await podman("build", "--quiet", "-t", tag, context);
    },
    async cleanup() {
      // A container that was in the middle of starting or stopping can survive the first removal.
      for (let attempt = 0; attempt < 3; attempt++) {
        await run("podman", ["rm", "--all", "--force", "--time", "0"]);
        if ((await run("podman", ["ps", "--all", "--quiet"])).stdout.trim() === "") break;
      }
      await run("podman", ["rmi", "--all", "--force"]);
      // A container podman lost track of still runs under its conmon, whose command line names this sandbox.
      killProcessTrees((cmdline) => cmdline.includes(dir));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
