import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { labPaths, resolveStateDir } from "./labState.js";
import { takeLock } from "./pidLock.js";
import { runOk } from "./run.js";

/** The Origin (and Label) of the lab's apt repository, for unattended-upgrades' Origins-Pattern. */
export const LAB_ORIGIN = "hostroot-lab";

/** The demo package the lab publishes unless told otherwise: a stand-in for a host library. */
export const DEMO_PACKAGE = "demo-libfoo";
/**
 * Published with every version of {@link DEMO_PACKAGE}: a real package name with `+` at its end
 * (as `g++`), which apt would read as "install g+" if handed the bare name, and Architecture
 * `all`, so the lab shows both reach apt as exactly themselves.
 */
export const DEMO_PLUS_PACKAGE = "demo-libfoo++";

/**
 * The demo library's C source: one function returning the version it was built as. Built with
 * `cc -nostdlib`, so the machine running the lab needs a C compiler but no libc headers.
 */
const LIBRARY_SOURCE = "const char *demofoo_version(void) { return DEMOFOO_VERSION; }\n";

/** `demofoo-hold`: a long-running process that loads the library and keeps it mapped. */
const HOLD_SCRIPT = (library: string) => `#!/bin/sh
# Loads ${library} and keeps it mapped until killed: a stand-in for a service linked against a host library.
exec python3 -c 'import ctypes, sys, time
lib = ctypes.CDLL(sys.argv[1])
lib.demofoo_version.restype = ctypes.c_char_p
print(lib.demofoo_version().decode(), flush=True)
while True:
    time.sleep(3600)' ${library}
`;

/** Options for {@link publishDemoPackage}. */
export interface PublishOptions {
  stateDir?: string;
  packageName?: string;
  /**
   * Packages this version conflicts with (`Conflicts:`), so that upgrading to it would make apt
   * remove them: for showing that an upgrade never removes a package. Applies to a new build only.
   */
  conflicts?: readonly string[];
  log?: (line: string) => void;
}

/** The outcome of a publish. A version already in the pool is served as built the first time. */
export type PublishResult =
  | { kind: "published"; package: string; version: string; deb: string; build: string; reused: boolean }
  | { kind: "invalid"; reason: string };

const VERSION = /^[0-9][A-Za-z0-9.+~-]*$/;
const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * Publishes `version` of the demo package into the lab's apt repository. The package installs
 * `/usr/lib/<pkg>/VERSION` (the version), `/usr/lib/<multiarch>/libdemofoo.so.1` (a real shared
 * library, built here with the machine's C compiler, whose `demofoo_version()` returns the
 * version) and `/usr/bin/demofoo-hold` (loads the library and sleeps: a process that maps it,
 * so the lab shows a stale mapping after an upgrade and none after a restart). With the default
 * package, {@link DEMO_PLUS_PACKAGE} of the same version is published too. Publishing is atomic: a new
 * build directory with every pooled version, indexed with `dpkg-scanpackages --multiversion` and
 * `apt-ftparchive release`, then the `current` symlink is swapped; clients never see half a repo.
 */
export async function publishDemoPackage(
  version: string,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const pkg = options.packageName ?? DEMO_PACKAGE;
  if (!VERSION.test(version))
    return { kind: "invalid", reason: `not a Debian version without epoch: ${version}` };
  if (!PACKAGE.test(pkg)) return { kind: "invalid", reason: `not a Debian package name: ${pkg}` };
  const conflicts = options.conflicts ?? [];
  const badConflict = conflicts.find((c) => !PACKAGE.test(c));
  if (badConflict !== undefined)
    return { kind: "invalid", reason: `not a Debian package name: ${badConflict}` };
  const repo = labPaths(resolveStateDir(options.stateDir)).repo;
  const pool = join(repo, "pool");
  const builds = join(repo, "builds");
  mkdirSync(pool, { recursive: true });
  mkdirSync(builds, { recursive: true });
  const lock = await waitForLock(join(repo, "publish.lock"));
  try {
    // Under the lock, any half-made build or staging dir is a killed publish's: clear it.
    for (const b of readdirSync(builds).filter((b) => b.endsWith(".tmp")))
      rmSync(join(builds, b), { recursive: true, force: true });
    for (const s of readdirSync(repo).filter((s) => s.startsWith("stage-")))
      rmSync(join(repo, s), { recursive: true, force: true });
    const arch = (await runOk(["dpkg", "--print-architecture"])).trim();
    const deb = join(pool, `${pkg}_${version}_${arch}.deb`);
    const reused = existsSync(deb);
    if (!reused) await buildDeb(pkg, version, arch, deb, repo, conflicts);
    const plus = join(pool, `${DEMO_PLUS_PACKAGE}_${version}_all.deb`);
    if (pkg === DEMO_PACKAGE && !existsSync(plus)) await buildPlusDeb(version, plus, repo);
    const stamp = `${Date.now()}-${process.pid}`;
    const tmp = join(builds, `${stamp}.tmp`);
    mkdirSync(tmp);
    for (const f of readdirSync(pool).filter((f) => f.endsWith(".deb")))
      linkSync(join(pool, f), join(tmp, f));
    writeFileSync(
      join(tmp, "Packages"),
      await runOk(["dpkg-scanpackages", "--multiversion", "."], { cwd: tmp }),
    );
    // Origin and Label let unattended-upgrades select the lab repository (`--origin o=hostroot-lab`),
    // as a real host's Origins-Pattern selects its distribution's security archive.
    const release = [
      "-o",
      `APT::FTPArchive::Release::Origin=${LAB_ORIGIN}`,
      "-o",
      `APT::FTPArchive::Release::Label=${LAB_ORIGIN}`,
    ];
    writeFileSync(
      join(tmp, "Release"),
      await runOk(["apt-ftparchive", ...release, "release", "."], { cwd: tmp }),
    );
    renameSync(tmp, join(builds, stamp));
    const link = join(repo, `current.tmp-${process.pid}`);
    rmSync(link, { force: true });
    symlinkSync(join("builds", stamp), link);
    renameSync(link, join(repo, "current"));
    pruneBuilds(builds, stamp);
    options.log?.(`published ${pkg} ${version}${reused ? " (already in the pool)" : ""}`);
    return { kind: "published", package: pkg, version, deb, build: join(builds, stamp), reused };
  } finally {
    lock.release();
  }
}

async function buildDeb(
  pkg: string,
  version: string,
  arch: string,
  deb: string,
  repo: string,
  conflicts: readonly string[],
): Promise<void> {
  const multiarch = (await runOk(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"])).trim();
  const stage = join(repo, `stage-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "DEBIAN"), { recursive: true });
  mkdirSync(join(stage, "usr/lib", pkg), { recursive: true });
  mkdirSync(join(stage, "usr/lib", multiarch), { recursive: true });
  writeFileSync(
    join(stage, "DEBIAN/control"),
    [
      `Package: ${pkg}`,
      `Version: ${version}`,
      `Architecture: ${arch}`,
      "Maintainer: hostroot lab <lab@hostroot.invalid>",
      "Section: libs",
      "Priority: optional",
      ...(conflicts.length > 0 ? [`Conflicts: ${conflicts.join(", ")}`] : []),
      "Description: hostroot lab demo library",
      " A stand-in for a host library whose upgrade every container must see after a restart.",
      "",
    ].join("\n"),
  );
  writeFileSync(join(stage, "usr/lib", pkg, "VERSION"), `${version}\n`);
  const library = join("/usr/lib", multiarch, "libdemofoo.so.1");
  const source = join(stage, "demofoo.c");
  writeFileSync(source, LIBRARY_SOURCE);
  await runOk([
    "cc",
    "-shared",
    "-fPIC",
    "-nostdlib",
    "-O2",
    `-DDEMOFOO_VERSION=${JSON.stringify(`${pkg} ${version}`)}`,
    "-Wl,-soname,libdemofoo.so.1",
    "-o",
    join(stage, library),
    source,
  ]);
  rmSync(source);
  mkdirSync(join(stage, "usr/bin"), { recursive: true });
  writeFileSync(join(stage, "usr/bin/demofoo-hold"), HOLD_SCRIPT(library), { mode: 0o755 });
  await runOk(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage, `${deb}.tmp`]);
  renameSync(`${deb}.tmp`, deb);
  rmSync(stage, { recursive: true, force: true });
}

/** {@link DEMO_PLUS_PACKAGE}: Architecture all, one VERSION file. */
async function buildPlusDeb(version: string, deb: string, repo: string): Promise<void> {
  const pkg = DEMO_PLUS_PACKAGE;
  const stage = join(repo, `stage-${process.pid}-plus`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, "DEBIAN"), { recursive: true });
  mkdirSync(join(stage, "usr/share", pkg), { recursive: true });
  writeFileSync(
    join(stage, "DEBIAN/control"),
    [
      `Package: ${pkg}`,
      `Version: ${version}`,
      "Architecture: all",
      "Maintainer: hostroot lab <lab@hostroot.invalid>",
      "Section: misc",
      "Priority: optional",
      "Description: hostroot lab demo package whose name ends in +",
      " Shows that a real package named like g++ reaches apt as exactly itself.",
      "",
    ].join("\n"),
  );
  writeFileSync(join(stage, "usr/share", pkg, "VERSION"), `${version}\n`);
  await runOk(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", stage, `${deb}.tmp`]);
  renameSync(`${deb}.tmp`, deb);
  rmSync(stage, { recursive: true, force: true });
}

/** Keeps the current build and the two before it: a client mid-update may still read those. */
function pruneBuilds(builds: string, current: string): void {
  const done = readdirSync(builds)
    .filter((b) => !b.endsWith(".tmp") && b !== current)
    .sort((a, b) => Number.parseInt(b, 10) - Number.parseInt(a, 10));
  for (const b of done.slice(2)) rmSync(join(builds, b), { recursive: true, force: true });
}

async function waitForLock(file: string): Promise<{ release: () => void }> {
  for (let i = 0; i < 300; i++) {
    const l = takeLock(file);
    if (l.kind === "locked") return l;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the lab repository is locked by another publish: ${file}`);
}
