import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { aptMirror } from "./aptMirror.js";
import { LabError } from "./labError.js";
import { BASE_ROOT_PACKAGES } from "./labPackages.js";
import { assertNothingMountedUnder } from "./mountInfo.js";
import { takeLock } from "./pidLock.js";
import { run } from "./run.js";

/** Where base roots are cached between labs (and between test runs). */
export const DEFAULT_CACHE_DIR = "/var/cache/hostroot-lab";
const SUITE = "bookworm";
/** Bump when the way a base is prepared changes, so older caches are not reused. */
const RECIPE = 1;

/** Options for {@link ensureBaseRoot}. */
export interface BaseRootOptions {
  cacheDir?: string;
  /** Debian mirror URL; default: the one this machine's apt sources use for bookworm. */
  mirror?: string;
  log?: (line: string) => void;
}

/** The cache key: what goes into the base, not where it was downloaded from. */
export function baseRootId(): string {
  const recipe = JSON.stringify({
    RECIPE,
    SUITE,
    variant: "minbase",
    packages: [...BASE_ROOT_PACKAGES].sort(),
  });
  return `base-${createHash("sha256").update(recipe).digest("hex").slice(0, 12)}`;
}

/**
 * Returns the path of the hosts' shared base root, building it once with debootstrap if the cache
 * lacks it. The build goes into a temporary directory that is renamed only when complete, so a
 * killed build is never reused. debootstrap runs in its own mount and PID namespaces with a
 * parent-death signal: if this process is killed, the build dies with it and its /proc and /sys
 * mounts vanish with its namespace instead of staying mounted under the cache.
 */
export async function ensureBaseRoot(options: BaseRootOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  const id = baseRootId();
  const final = join(cacheDir, id);
  if (existsSync(final)) return final;

  const lock = takeLock(join(cacheDir, `${id}.lock`));
  if (lock.kind === "held") {
    throw new LabError(
      "busy",
      `another process (pid ${lock.by.pid}) is building the base root in ${cacheDir}`,
    );
  }
  try {
    if (existsSync(final)) return final;
    removeStaleBuilds(cacheDir, id);
    const mirror = options.mirror ?? aptMirror(SUITE);
    if (!mirror) throw new LabError("step-failed", `no Debian mirror for ${SUITE} found in /etc/apt sources`);
    const tmp = join(cacheDir, `${id}.tmp-${process.pid}`);
    mkdirSync(tmp, { recursive: true });
    const logFile = join(cacheDir, `${id}.build.log`);
    log(`building the hosts' base root with debootstrap (once; about a minute), log: ${logFile}`);
    const started = Date.now();
    const fd = openSync(logFile, "w");
    closeSync(fd);
    const r = await run([
      "sh",
      "-c",
      'log=$1; shift; exec "$@" >"$log" 2>&1',
      "sh",
      logFile,
      "setpriv",
      "--pdeathsig",
      "KILL",
      "unshare",
      "--mount",
      "--pid",
      "--fork",
      "--kill-child",
      "--propagation",
      "private",
      "debootstrap",
      "--variant=minbase",
      `--include=${BASE_ROOT_PACKAGES.join(",")}`,
      SUITE,
      tmp,
      mirror,
    ]);
    if (r.code !== 0) {
      throw new LabError("step-failed", `debootstrap failed (exit ${r.code ?? r.signal}); see ${logFile}`);
    }
    await trimBase(tmp);
    renameSync(tmp, final);
    log(`base root ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${final}`);
    return final;
  } finally {
    lock.release();
  }
}

/** Removes what killed builds left (never while anything is mounted inside them). */
function removeStaleBuilds(cacheDir: string, id: string): void {
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith(`${id}.tmp-`)) continue;
    const dir = join(cacheDir, name);
    assertNothingMountedUnder(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Strips what must differ per host or must not leak between hosts: host keys, apt lists and
 * caches, the mirror's sources.list (hosts only see the lab's repository).
 */
async function trimBase(root: string): Promise<void> {
  assertNothingMountedUnder(root);
  const clear = (rel: string) => {
    const dir = join(root, rel);
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir)) {
      if (f === "partial" || f === "lock") continue;
      rmSync(join(dir, f), { recursive: true, force: true });
    }
  };
  clear("var/lib/apt/lists");
  clear("var/cache/apt/archives");
  for (const f of readdirSync(join(root, "var/cache/apt"))) {
    if (f.endsWith(".bin")) rmSync(join(root, "var/cache/apt", f), { force: true });
  }
  for (const f of readdirSync(join(root, "etc/ssh"))) {
    if (f.startsWith("ssh_host_")) rmSync(join(root, "etc/ssh", f), { force: true });
  }
  rmSync(join(root, "etc/apt/sources.list"), { force: true });
  mkdirSync(join(root, "srv/hostroot-lab-repo"), { recursive: true });
  mkdirSync(join(root, "var/lib/lxc"), { recursive: true });
}
