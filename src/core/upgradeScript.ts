import { HOST_SCRIPT_PATH, inspectFunctions, STRIP_CONTROL } from "./containerInspect.js";
import { containerPaths } from "./containerPaths.js";
import { containerSteps } from "./containerSteps.js";
import { DEBIAN_PACKAGE } from "./debianPackage.js";
import type { Definition } from "./definitionSchema.js";
import { hostRootCommand, MOUNT_SOURCES_SCRIPT } from "./hostCommands.js";
import { lockedHostScript } from "./lockedHostScript.js";
import { SHADOW_FUNCTION, shadowCalls } from "./shadowScan.js";
import { quoteArg, shellQuote } from "./shellQuote.js";
import { PACKAGE_VERSION } from "./slashCommands.js";

/** Options for {@link upgradeScript}. */
export interface UpgradeScriptOptions {
  packages: readonly string[];
  lxcPath: string;
  dryRun: boolean;
  /** Definitions by name: a container with one gets its service started and health checked. */
  definitions: readonly Definition[];
  /** How long apt waits for a dpkg lock held by someone else before failing (DPkg::Lock::Timeout). */
  dpkgLockTimeoutSeconds: number;
  /** The host lock (the one every hostroot operation takes): who holds it, how long to wait. */
  lock: { holder: string; timeoutSeconds: number };
  /** Pinned versions by package name (`PKG=VERSION`): exactly that version is installed. */
  versions?: Readonly<Record<string, string>>;
  /** A pinned version older than the installed one is installed only with this (else refused). */
  allowDowngrade?: boolean;
}

/** The host-level step ids of an upgrade, in order; container steps follow as `<name>.<what>`. */
export const UPGRADE_STEPS = {
  resolve: "resolve",
  update: "apt-update",
  install: "apt-install",
  simulate: "apt-simulate",
  hostRoot: "host-root",
  pin: "apt-pin",
} as const;

/**
 * `hostroot_step ID ARGV...`: runs one step with its output kept in a temp file (stdout carries
 * markers only, so nothing a command prints can forge one), prints begin/ok/failed markers in
 * the format parseStepMarkers reads, and on failure the step's last 30 output lines as
 * `::hostroot-out ID LINE`. The output also goes to stderr for the operator's log (no `cat`
 * for a step that printed nothing: most steps, once per container).
 */
const STEP_FUNCTION = `hostroot_step() {
  hostroot_id=$1
  shift
  printf '::hostroot-step %s begin -\\n' "$hostroot_id"
  ( "$@" ) </dev/null >"$hostroot_tmp/out" 2>&1
  hostroot_rc=$?
  if [ -s "$hostroot_tmp/out" ]; then cat -- "$hostroot_tmp/out" >&2; fi
  if [ "$hostroot_rc" -ne 0 ]; then
    tail -n 30 -- "$hostroot_tmp/out" | ${STRIP_CONTROL} | cut -b 1-400 | while IFS= read -r l; do printf '::hostroot-out %s %s\\n' "$hostroot_id" "$l"; done
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

/**
 * `hostroot_resolve PKG...`: each name must be exactly one installed package on this host
 * (`dpkg-query -W -- NAME` shows it installed, under that very name): apt reads a trailing `-`
 * or `+` as "remove"/"install" and falls back to a regular expression for a name it does not
 * know, so `lxc-` would remove lxc. Each installed instance becomes `NAME:ARCH` in
 * `$hostroot_args` (a form apt resolves by exact name, never as an action; regex and glob
 * fallbacks are off with APT::Cmd::Pattern-Only). Prints the `resolve` step's markers itself
 * (it sets a variable, so it cannot run in hostroot_step's subshell); any name not installed
 * fails the step with the reason, before anything on the host changed. The same dpkg-query gives
 * each package's version before the upgrade (`::hostroot-pkg before PKG VERSION`, `-` when not
 * installed): no separate query for it.
 */
const RESOLVE_FUNCTION = `hostroot_resolve() {
  printf '::hostroot-step ${UPGRADE_STEPS.resolve} begin -\\n'
  hostroot_args=
  hostroot_bad=
  for p in "$@"; do
    found=
    before=-
    out=$(dpkg-query -W -f='\${db:Status-Status}|\${Package}|\${Architecture}|\${Version}\\n' -- "$p" 2>/dev/null) || out=
    while IFS='|' read -r st name arch ver; do
      [ "$name" = "$p" ] && [ "$st" = installed ] || continue
      [ "$before" != - ] || [ -z "$ver" ] || before=$ver
      case $arch in '' | -* | *- | *[!a-z0-9-]*) continue ;; esac
      hostroot_args="$hostroot_args $p:$arch"
      found=1
    done <<HOSTROOT_EOF
$out
HOSTROOT_EOF
    printf '::hostroot-pkg before %s %s\\n' "$p" "$before"
    if [ -z "$found" ]; then
      hostroot_bad=1
      printf '::hostroot-out ${UPGRADE_STEPS.resolve} E: %s is not an installed package on this host (dpkg-query -W -- %s)\\n' "$p" "$p"
    fi
  done
  if [ -n "$hostroot_bad" ]; then printf '::hostroot-step ${UPGRADE_STEPS.resolve} failed 1\\n'; return 1; fi
  printf '::hostroot-step ${UPGRADE_STEPS.resolve} ok 0\\n'
}`;

/**
 * Runs apt's simulation given as argv and fails, with an `E:` line naming them, when it would
 * remove any package: the real run (with --no-remove as well) then never starts.
 */
const NO_REMOVE_CHECK = String.raw`o=$("$@" 2>&1)
rc=$?
printf '%s\n' "$o"
[ "$rc" -eq 0 ] || exit "$rc"
r=$(printf '%s\n' "$o" | sed -n 's/^Remv \([^ ]*\).*/\1/p' | tr '\n' ' ')
[ -z "$r" ] || { printf 'E: apt would remove %s(an upgrade never removes a package; nothing was changed)\n' "$r"; exit 1; }`;

/**
 * `hostroot_install APT-ARGV...`: the real install, run with `--no-remove`, which makes apt refuse
 * (before it downloads or runs dpkg) any run that would remove a package; apt then names them
 * under "will be REMOVED". That refusal is reported as the simulation used to report it: `E: apt
 * would remove NAMES (...; nothing was changed)`, in place of apt's own line, which names none. A
 * function, run in the step's subshell: no separate simulation run of apt per host.
 */
const INSTALL_FUNCTION = String.raw`hostroot_install() {
  o=$("$@" 2>&1)
  rc=$?
  if [ "$rc" -eq 0 ]; then printf '%s\n' "$o"; return 0; fi
  case $o in *'remove is disabled'*) ;; *) printf '%s\n' "$o"; return "$rc" ;; esac
  printf '%s\n' "$o" | grep -v '^E: Packages need to be removed but remove is disabled'
  r=$(printf '%s\n' "$o" | sed -n '/^The following packages will be REMOVED:/,/^[^ ]/s/^  *//p' | tr -s ' \n' '  ')
  printf 'E: apt would remove %s(an upgrade never removes a package; nothing was changed)\n' "$r"
  return 1
}`;

/** apt's own lines naming a version change, turned into `::hostroot-pkg` markers (apt output is the host's). */
const SIM_SED = String.raw`s/^Inst \([^ ]*\) \[\([^] ]*\)\] (\([^ ]*\) .*/::hostroot-pkg would \1 \2 \3/p;s/^Inst \([^ []*\) (\([^ ]*\) .*/::hostroot-pkg would \1 - \2/p`;
const UNPACK_SED = String.raw`s/^Unpacking \([^ :]*\)[^ ]* (\([^ )]*\)) over (\([^ )]*\)).*/::hostroot-pkg changed \1 \3 \2/p`;

/**
 * `sh -c PIN_CHECK sh LISTS ALLOW PKG VERSION...`: for each pinned package, fails with an `E:`
 * line naming it unless the host's apt offers exactly that version (`apt-cache madison`, fields
 * compared whole), and unless it is no older than the installed one (`dpkg --compare-versions`)
 * when ALLOW is not 1. Every pin is checked, so each refusal is named. LISTS, when not empty, is a
 * temporary lists dir that apt-get update fills first (a dry run leaves the host's own lists alone).
 * Runs after apt-get update and before anything is installed: a refusal changes nothing.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
const VERSION_FIELD = "${Version}";
const PIN_CHECK = String.raw`set -f
lists=$1
allow=$2
shift 2
o="-o APT::Cmd::Pattern-Only=true"
if [ -n "$lists" ]; then
  o="$o -o Dir::State::Lists=$lists -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root"
  mkdir -p "$lists/partial" && apt-get -q $o update >/dev/null || exit
fi
bad=0
while [ "$#" -ge 2 ]; do
  p=$1
  v=$2
  shift 2
  if ! apt-cache $o madison "$p" 2>/dev/null | awk -F'|' -v p="$p" -v v="$v" '{ gsub(/ /, "", $1); gsub(/ /, "", $2) } $1 == p && $2 == v { f = 1 } END { exit !f }'; then
    printf 'E: apt on this host does not offer %s version %s (apt-cache madison %s); nothing was changed\n' "$p" "$v" "$p"
    bad=1
    continue
  fi
  cur=$(dpkg-query -W -f='${VERSION_FIELD}' -- "$p" 2>/dev/null) || cur=
  if [ -n "$cur" ] && [ "$allow" != 1 ] && dpkg --compare-versions "$v" lt "$cur"; then
    printf 'E: %s %s is older than the installed %s: a downgrade needs --allow-downgrade; nothing was changed\n' "$p" "$v" "$cur"
    bad=1
  fi
done
exit "$bad"`;

/**
 * `hostroot_pin PKG VERSION`: turns the resolved `PKG:ARCH` words of `$hostroot_args` into
 * `PKG:ARCH=VERSION`, so apt installs exactly that version (names and versions are
 * `[A-Za-z0-9.+~:-]` only: unquoted, they split into words and never glob).
 */
const PIN_FUNCTION = `hostroot_pin() {
  a=
  for w in $hostroot_args; do
    case $w in "$1":*) w=$w=$2 ;; esac
    a="$a $w"
  done
  hostroot_args=$a
}`;

/**
 * `hostroot_stop NAME`: a full stop of a container the name lists read as RUNNING, with
 * no `sh` and no `lxc-info` of its own; when lxc-stop fails, the container counts as stopped only
 * if LXC now says STOPPED (someone stopped it in between).
 */
const STOP_FUNCTION = `hostroot_stop() {
  lxc-stop -n "$1" -P "$hostroot_lxc" && return 0
  rc=$?
  [ "$(lxc-info -n "$1" -P "$hostroot_lxc" -s -H 2>/dev/null)" = STOPPED ] && return 0
  return "$rc"
}`;

/**
 * `hostroot_mounts CONFIG`: the mount-source check of {@link MOUNT_SOURCES_SCRIPT} as a function
 * of the host script, run in the step's subshell (no `sh` started per container).
 */
const MOUNTS_FUNCTION = `hostroot_mounts() {
${MOUNT_SOURCES_SCRIPT}
}`;

/** The step ids one container goes through; the parser expects exactly these. */
export function containerStepIds(name: string, definition: Definition | undefined): string[] {
  const inside = definition
    ? containerSteps(name, "/", definition, { setup: false, packages: false }).map((s) => s.id)
    : [];
  return [`${name}.mounts`, `${name}.stop`, `${name}.start`, ...inside];
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
 * What apt is asked to do with the resolved packages (appended as `$hostroot_args`): upgrade
 * only what is installed, install no recommends (so nothing but the packages' own new
 * dependencies is added), read every argument as an exact name (no regex or glob fallback).
 */
const UPGRADE_ONLY = [
  "-o",
  "APT::Cmd::Pattern-Only=true",
  "install",
  "--only-upgrade",
  "--no-install-recommends",
];

/**
 * ONE sh script per host for `upgrade-hosts`, under the host lock: versions before; each name
 * resolved to exactly one installed package (else the host fails, unchanged); `apt-get update`;
 * `apt-get install --only-upgrade --no-remove --no-install-recommends -y` (non-interactive,
 * bounded dpkg-lock wait), which fails the host, unchanged, naming them, when apt would remove
 * anything (see INSTALL_FUNCTION: apt checks before it changes anything, so no separate
 * simulation run); versions after; then every hostroot container on the host (a dir with hostroot.json)
 * gets a full stop and start (not `lxc-stop -r`: the overlay must be remounted over the new
 * lower tree), its service and health check when its definition is known, and is inspected
 * from inside; last, which of the packages' files each delta shadows (read on the host). A
 * failed apt step restarts nothing (the containers keep running as they were) but still
 * inspects them; a failing container does not stop the others from being restarted.
 * Pinned versions (`versions`): after the update, a check that apt offers exactly each pinned
 * version and that none is a downgrade unless `allowDowngrade` (else the host fails, unchanged),
 * then `apt-get install PKG:ARCH=VERSION` (with `--allow-downgrades` only when allowed).
 * Dry run: the same resolution, then apt-get update into a temporary lists dir and `apt-get -s`,
 * so nothing on the host changes, then the inspection.
 */
export function upgradeScript(options: UpgradeScriptOptions): string {
  const { packages, dryRun } = options;
  if (packages.length === 0) throw new Error("upgradeScript: no packages");
  for (const p of packages) if (!DEBIAN_PACKAGE.test(p)) throw new Error(`upgradeScript: bad package ${p}`);
  const pins = Object.entries(options.versions ?? {});
  for (const [p, v] of pins)
    if (!packages.includes(p) || !PACKAGE_VERSION.test(v))
      throw new Error(`upgradeScript: bad pinned version ${p}=${v}`);
  const allow = options.allowDowngrade === true ? "1" : "0";
  // After the update (in a dry run: into its own temporary lists), before anything is installed.
  const pinCheck = (lists: string, otherwise: string) =>
    pins.length === 0
      ? []
      : [
          `hostroot_step ${UPGRADE_STEPS.pin} sh -c ${quoteArg(PIN_CHECK)} sh ${lists} ${allow} ${pins.map(([p, v]) => `${quoteArg(p)} ${quoteArg(v)}`).join(" ")} || ${otherwise}`,
          ...pins.map(([p, v]) => `hostroot_pin ${quoteArg(p)} ${quoteArg(v)}`),
        ];
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
    RESOLVE_FUNCTION,
    PIN_FUNCTION,
    inspectFunctions(lxc, packages),
    SHADOW_FUNCTION,
    "hostroot_names=$(hostroot_containers)",
    "for n in $hostroot_names; do printf '::hostroot-container %s\\n' \"$n\"; done",
    "hostroot_statefiles",
  ];
  const shadows = shadowCalls(packages);
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
    const sim = `mkdir -p "$0/lists/partial" && apt-get -q ${opts.join(" ")} update || exit; set -- apt-get -q -s ${opts.join(" ")} ${UPGRADE_ONLY.join(" ")} "$@"\n${NO_REMOVE_CHECK}`;
    lines.push(
      `hostroot_resolve ${pkgs} || { hostroot_inspect_all; exit 1; }`,
      ...pinCheck('"$hostroot_tmp/lists"', "{ hostroot_inspect_all; exit 1; }"),
      `hostroot_step ${UPGRADE_STEPS.simulate} sh -c ${quoteArg(sim)} "$hostroot_tmp" $hostroot_args || { hostroot_inspect_all; exit 1; }`,
      `sed -n ${quoteArg(SIM_SED)} "$hostroot_tmp/out"`,
      "hostroot_inspect_all",
      shadows,
      "printf '%s\\n' ::hostroot-done",
    );
    return lockedHostScript(`${lines.join("\n")}\n`, options.lock);
  }
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
  const unchanged = `{ hostroot_versions after ${pkgs}; hostroot_inspect_all; exit 1; }`;
  const downgrade = options.allowDowngrade === true && pins.length > 0 ? ["--allow-downgrades"] : [];
  const install = aptArgv(lockWait, [...UPGRADE_ONLY, "--no-remove", ...downgrade, "-y"]);
  lines.push(
    `hostroot_resolve ${pkgs} || ${unchanged}`,
    `hostroot_step ${UPGRADE_STEPS.update} ${shellQuote(aptArgv(lockWait, ["update"]))} || ${unchanged}`,
    ...pinCheck("''", unchanged),
    INSTALL_FUNCTION,
    // Resolved names are [a-z0-9+.:-] only: unquoted, they split into words and never glob.
    `hostroot_step ${UPGRADE_STEPS.install} hostroot_install ${shellQuote(install)} $hostroot_args || ${unchanged}`,
    `sed -n ${quoteArg(UNPACK_SED)} "$hostroot_tmp/out"`,
    `hostroot_versions after ${pkgs}`,
    `hostroot_step ${UPGRADE_STEPS.hostRoot} ${shellQuote(hostRootCommand(paths.hostRootfs))} || { hostroot_inspect_all; exit 1; }`,
    STOP_FUNCTION,
    MOUNTS_FUNCTION,
    "hostroot_restart() {",
    // A container someone stopped stays stopped: it sees the new files whenever it next starts.
    // Its state comes from the name lists read before the restarts (hostroot_running_states).
    '  hostroot_state "$1"',
    '  case $s in RUNNING) ;; *) printf \'::hostroot-skip %s %s\\n\' "$1" "$s"; return 0 ;; esac',
    // The restart mounts the container's sources again: refuse one that has become a symlink since
    // its deploy (a container with a writable mount can plant one), before stopping anything.
    `  hostroot_step "$1.mounts" hostroot_mounts ${quoteArg(lxc)}/"$1"/config || return 1`,
    '  hostroot_step "$1.stop" hostroot_stop "$1" || return 1',
    // -p: the LXC monitor's PID, whose one child is the container's init (hostroot_init).
    `  hostroot_step "$1.start" lxc-start -n "$1" -P ${quoteArg(lxc)} -d -p "$hostroot_tmp/$1.pid" || return 1`,
    // lxc-start -d returns 0 only once the container runs: recorded, not asked again.
    '  hostroot_st=" $1 RUNNING$hostroot_st"',
    '  hostroot_started "$1"',
    ...(cases.length > 0 ? ["  case $1 in", ...cases, "  esac"] : []),
    "}",
    "hostroot_failed=0",
    "hostroot_running_states",
    // Every container restarted first, then each inspected. After a failed restart, LXC is asked
    // what state the container is in now.
    "for n in $hostroot_names; do",
    '  hostroot_restart "$n" && continue',
    "  hostroot_failed=1",
    `  s=$(lxc-info -n "$n" -P ${quoteArg(lxc)} -s -H 2>/dev/null) || s=`,
    "  case $s in *[!A-Z]* | '') s=UNKNOWN ;; esac",
    '  hostroot_st=" $n $s$hostroot_st"',
    "done",
    "hostroot_inspect_all",
    shadows,
    "printf '%s\\n' ::hostroot-done",
    'exit "$hostroot_failed"',
  );
  return lockedHostScript(`${lines.join("\n")}\n`, options.lock);
}
