import { HOST_SCRIPT_PATH, inspectFunctions } from "./containerInspect.js";
import { containerPaths } from "./containerPaths.js";
import { containerSteps } from "./containerSteps.js";
import { DEBIAN_PACKAGE } from "./debianPackage.js";
import type { Definition } from "./definitionSchema.js";
import { hostRootCommand, stopCommand } from "./hostCommands.js";
import { lockedHostScript } from "./lockedHostScript.js";
import { quoteArg, shellQuote } from "./shellQuote.js";

/** Options for {@link upgradeScript}. */
export interface UpgradeScriptOptions {
  packages: readonly string[];
  lxcPath: string;
  dryRun: boolean;
  /** Definitions by name: a container with one gets its service started and health checked. */
  definitions: readonly Definition[];
  /** How long apt waits for a dpkg lock held by someone else before failing (DPkg::Lock::Timeout). */
  dpkgLockTimeoutSeconds: number;
  /** Absolute paths read (first line) inside every container, e.g. a demo package's VERSION file. */
  readFiles?: readonly string[];
  /** The host lock (the one every hostroot operation takes): who holds it, how long to wait. */
  lock: { holder: string; timeoutSeconds: number };
}

/** The host-level step ids of an upgrade, in order; container steps follow as `<name>.<what>`. */
export const UPGRADE_STEPS = {
  update: "apt-update",
  install: "apt-install",
  simulate: "apt-simulate",
  hostRoot: "host-root",
} as const;

/**
 * `hostroot_step ID ARGV...`: runs one step with its output kept in a temp file (stdout carries
 * markers only, so nothing a command prints can forge one), prints begin/ok/failed markers in
 * the format parseStepMarkers reads, and on failure the step's last 30 output lines as
 * `::hostroot-out ID LINE`. The output also goes to stderr for the operator's log.
 */
const STEP_FUNCTION = `hostroot_step() {
  hostroot_id=$1
  shift
  printf '::hostroot-step %s begin -\\n' "$hostroot_id"
  ( "$@" ) </dev/null >"$hostroot_tmp/out" 2>&1
  hostroot_rc=$?
  cat -- "$hostroot_tmp/out" >&2
  if [ "$hostroot_rc" -ne 0 ]; then
    tail -n 30 -- "$hostroot_tmp/out" | while IFS= read -r l; do printf '::hostroot-out %s %s\\n' "$hostroot_id" "$l"; done
    printf '::hostroot-step %s failed %s\\n' "$hostroot_id" "$hostroot_rc"
    return "$hostroot_rc"
  fi
  printf '::hostroot-step %s ok 0\\n' "$hostroot_id"
}
hostroot_versions() {
  w=$1
  shift
  for p in "$@"; do
    v=$(dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' -- "$p" 2>/dev/null) || v=
    case $v in ?i?'|'?*) v=\${v#*|} ;; *) v=- ;; esac
    printf '::hostroot-pkg %s %s %s\\n' "$w" "$p" "$v"
  done
}`;

/** apt's own lines naming a version change, turned into `::hostroot-pkg` markers (apt output is the host's). */
const SIM_SED = String.raw`s/^Inst \([^ ]*\) \[\([^] ]*\)\] (\([^ ]*\) .*/::hostroot-pkg would \1 \2 \3/p;s/^Inst \([^ []*\) (\([^ ]*\) .*/::hostroot-pkg would \1 - \2/p`;
const UNPACK_SED = String.raw`s/^Unpacking \([^ :]*\)[^ ]* (\([^ )]*\)) over (\([^ )]*\)).*/::hostroot-pkg changed \1 \3 \2/p`;

/** The step ids one container goes through; the parser expects exactly these. */
export function containerStepIds(name: string, definition: Definition | undefined): string[] {
  const inside = definition
    ? containerSteps(name, "/", definition, { setup: false, packages: false }).map((s) => s.id)
    : [];
  return [`${name}.stop`, `${name}.start`, ...inside];
}

/** apt's non-interactive settings: keep changed config files, fail (not hang) on a held lock. */
function aptArgv(lockTimeout: number, rest: readonly string[]): string[] {
  return [
    "env",
    "DEBIAN_FRONTEND=noninteractive",
    "APT_LISTCHANGES_FRONTEND=none",
    "apt-get",
    "-q",
    "-o",
    `DPkg::Lock::Timeout=${lockTimeout}`,
    "-o",
    "Dpkg::Options::=--force-confdef",
    "-o",
    "Dpkg::Options::=--force-confold",
    ...rest,
  ];
}

/**
 * ONE sh script per host for `upgrade-hosts`, under the host lock: versions before, `apt-get
 * update`, `apt-get install --only-upgrade -y` (non-interactive, bounded dpkg-lock wait),
 * versions after; then every hostroot container on the host (a dir with hostroot.json) gets a
 * full stop and start (not `lxc-stop -r`: the overlay must be remounted over the new lower
 * tree), its service and health check when its definition is known, and is inspected from
 * inside. A failed apt step restarts nothing (the containers keep running as they were) but
 * still inspects them; a failing container does not stop the others from being restarted.
 * Dry run: apt-get update into a temporary lists dir and `apt-get -s`, so nothing on the host
 * changes, then the inspection.
 */
export function upgradeScript(options: UpgradeScriptOptions): string {
  const { packages, dryRun } = options;
  if (packages.length === 0) throw new Error("upgradeScript: no packages");
  for (const p of packages) if (!DEBIAN_PACKAGE.test(p)) throw new Error(`upgradeScript: bad package ${p}`);
  for (const f of options.readFiles ?? [])
    if (!f.startsWith("/")) throw new Error(`upgradeScript: not absolute: ${f}`);
  const paths = containerPaths(options.lxcPath, "x");
  const lxc = paths.lxcPath;
  const pkgs = packages.map(quoteArg).join(" ");
  const lockWait = options.dpkgLockTimeoutSeconds;
  const lines = [
    "umask 022",
    `PATH=${quoteArg(HOST_SCRIPT_PATH)}`,
    "LC_ALL=C",
    "export PATH LC_ALL",
    "hostroot_tmp=$(mktemp -d) || exit 1",
    `trap 'rm -rf -- "$hostroot_tmp"' EXIT`,
    STEP_FUNCTION,
    inspectFunctions(lxc, packages, options.readFiles ?? []),
    'hostroot_inspect_all() { for n in $hostroot_names; do hostroot_inspect "$n"; done; }',
    "hostroot_names=$(hostroot_containers)",
    'for n in $hostroot_names; do printf \'::hostroot-container %s\\n\' "$n"; hostroot_statefile "$n"; done',
    `hostroot_versions before ${pkgs}`,
  ];
  if (dryRun) {
    // Lists go to the temp dir: the host's own lists, caches and dpkg state stay as they were.
    const opts = [
      "-o",
      "Dir::State::Lists=$0/lists",
      "-o",
      "Dir::Cache::pkgcache=",
      "-o",
      "Dir::Cache::srcpkgcache=",
      "-o",
      "APT::Sandbox::User=root",
    ];
    const sim = `mkdir -p "$0/lists/partial" && apt-get -q ${opts.join(" ")} update && exec apt-get -q -s ${opts.join(" ")} install --only-upgrade "$@"`;
    lines.push(
      `hostroot_step ${UPGRADE_STEPS.simulate} sh -c ${quoteArg(sim)} "$hostroot_tmp" ${pkgs} || { hostroot_inspect_all; exit 1; }`,
      `sed -n ${quoteArg(SIM_SED)} "$hostroot_tmp/out"`,
      "hostroot_inspect_all",
      "printf '%s\\n' ::hostroot-done",
    );
    return lockedHostScript(`${lines.join("\n")}\n`, options.lock);
  }
  const [sh, dashC, stopText, stopName] = stopCommand("x", lxc, false) as [string, string, string, string];
  const byName = new Map(options.definitions.map((d) => [d.name, d]));
  const cases = [...byName.values()].flatMap((def) => {
    const steps = containerSteps(def.name, lxc, def, { setup: false, packages: false });
    if (steps.length === 0) return [];
    return [
      `  ${quoteArg(def.name)})`,
      ...steps.map((s) => `    hostroot_step ${s.id} ${shellQuote(s.argv)} || return 1`),
      "    ;;",
    ];
  });
  lines.push(
    `hostroot_step ${UPGRADE_STEPS.update} ${shellQuote(aptArgv(lockWait, ["update"]))} || { hostroot_versions after ${pkgs}; hostroot_inspect_all; exit 1; }`,
    `hostroot_step ${UPGRADE_STEPS.install} ${shellQuote(aptArgv(lockWait, ["install", "--only-upgrade", "-y", ...packages]))} || { hostroot_versions after ${pkgs}; hostroot_inspect_all; exit 1; }`,
    `sed -n ${quoteArg(UNPACK_SED)} "$hostroot_tmp/out"`,
    `hostroot_versions after ${pkgs}`,
    `hostroot_step ${UPGRADE_STEPS.hostRoot} ${shellQuote(hostRootCommand(paths.hostRootfs))} || { hostroot_inspect_all; exit 1; }`,
    "hostroot_restart() {",
    // A container someone stopped stays stopped: it sees the new files whenever it next starts.
    `  s=$(lxc-info -n "$1" -P ${quoteArg(lxc)} -s -H 2>/dev/null) || s=`,
    "  case $s in RUNNING) ;; *[!A-Z]* | '') printf '::hostroot-skip %s UNKNOWN\\n' \"$1\"; return 0 ;; *) printf '::hostroot-skip %s %s\\n' \"$1\" \"$s\"; return 0 ;; esac",
    `  hostroot_step "$1.stop" ${shellQuote([sh, dashC, stopText, stopName])} "$1" ${quoteArg(lxc)} || return 1`,
    `  hostroot_step "$1.start" lxc-start -n "$1" -P ${quoteArg(lxc)} -d || return 1`,
    ...(cases.length > 0 ? ["  case $1 in", ...cases, "  esac"] : []),
    "}",
    "hostroot_failed=0",
    "for n in $hostroot_names; do",
    '  hostroot_restart "$n" || hostroot_failed=1',
    '  hostroot_inspect "$n"',
    "done",
    "printf '%s\\n' ::hostroot-done",
    'exit "$hostroot_failed"',
  );
  return lockedHostScript(`${lines.join("\n")}\n`, options.lock);
}
