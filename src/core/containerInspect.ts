import { CONTAINER_PATH, lxcAttach } from "./hostCommands.js";
import { INSIDE_SCRIPT } from "./insideScript.js";
import { quoteArg, shellQuote } from "./shellQuote.js";

/** Most lines kept from one container's report: a container cannot flood the host's output. */
export const INSIDE_LINE_LIMIT = 200;
/** Longest line (bytes) kept from a container; a longer one is cut and the report marked cut. */
export const INSIDE_LINE_BYTES = 512;

/**
 * Control characters (tab and CR included, newline kept) removed from every line a container or
 * a step prints before it reaches the host's stdout: no line can hide text or end early.
 */
export const STRIP_CONTROL = String.raw`tr -d '\000-\011\013-\037\177'`;

/**
 * Shell functions shared by the upgrade and affected scripts (constant text; the lxcPath and
 * everything else arrive as quoted data):
 * - `hostroot_containers`: the hostroot containers of the host (dirs holding hostroot.json),
 *   one DNS-label name per line — any other dir name is skipped, since names travel unquoted
 *   in marker lines;
 * - `hostroot_statefiles`: `::hostroot-statefile NAME <json>` for every container in
 *   `$hostroot_names` (the host-owned state files), read by one awk for the whole host;
 * - `hostroot_states`: every container's LXC state from one `lxc-ls` for the whole host (one
 *   process instead of an `lxc-info` per container), kept in `$hostroot_st`;
 *   an upgrade records what its restarts did instead of asking again (`RUNNING` once lxc-start -d
 *   returned, which it does only once the container runs; what lxc-info says after a failure);
 *   `hostroot_state NAME` sets `$s` to the newest state recorded (`UNKNOWN` when LXC does not
 *   list it);
 * - `hostroot_inspect NAME`: `::hostroot-state NAME RUNNING|STOPPED|…` and, when running, the
 *   container's own report (see INSIDE_SCRIPT; one lxc-attach, the host's file lists of the
 *   packages on its stdin) stripped of control characters, every line prefixed
 *   `::hostroot-inside NAME ` by the host (a container can only ever speak about itself), at most
 *   {@link INSIDE_LINE_LIMIT} lines of {@link INSIDE_LINE_BYTES} bytes; beyond either,
 *   `::hostroot-inside-cut NAME`, and the report counts as incomplete. The file lists are read
 *   once per host (`hostroot_filelists`) and reach each container as a here-document.
 */
/** Reads every state file given as an argument into one `::hostroot-statefile NAME TEXT` line each. */
const STATEFILES_AWK = String.raw`function out() { if (f != "") printf "::hostroot-statefile %s %s\n", name, substr(t, 1, 65536) }
FNR == 1 { out(); f = FILENAME; name = f; sub(/\/hostroot\.json$/, "", name); sub(/.*\//, "", name); t = "" }
{ gsub(/[\001-\037\177]/, ""); if (length(t) <= 65536) t = t $0 }
END { out() }`;

/**
 * Drops control characters (as {@link STRIP_CONTROL}, NUL too), then prefixes a container's
 * report, line by line, with its name; cuts it at INSIDE_LINE_LIMIT lines and each line at
 * INSIDE_LINE_BYTES bytes (LC_ALL=C: awk counts bytes), marking either cut. One process per
 * container instead of a tr, a head and a shell loop.
 */
const PREFIX_AWK = `{ gsub(/[\\000-\\011\\013-\\037\\177]/, "") }
NR > ${INSIDE_LINE_LIMIT} { printf "::hostroot-inside-cut %s\\n", n; exit }
length($0) > ${INSIDE_LINE_BYTES} { printf "::hostroot-inside-cut %s\\n", n; $0 = substr($0, 1, ${INSIDE_LINE_BYTES}) }
{ printf "::hostroot-inside %s %s\\n", n, $0 }`;

export function inspectFunctions(lxcPath: string, packages: readonly string[]): string {
  const pkgs = packages.map(quoteArg).join(" ");
  const inside = ["/bin/sh", "-c", INSIDE_SCRIPT, "hostroot-inspect", ...packages];
  const attach = lxcAttach("x", lxcPath, inside);
  // lxcAttach's argv is `lxc-attach -n NAME -P PATH --clear-env ...`: the name is a runtime value here.
  const afterName = shellQuote(attach.slice(3));
  const seesOnly = shellQuote(lxcAttach("x", lxcPath, inside, { HOSTROOT_PART: "sees" }).slice(3));
  const prefix = `awk -v n="$1" ${quoteArg(PREFIX_AWK)}`;
  return [
    `hostroot_lxc=${quoteArg(lxcPath)}`,
    "hostroot_st=",
    "hostroot_files=",
    "hostroot_files_read=",
    "hostroot_containers() {",
    '  for f in "$hostroot_lxc"/*/hostroot.json; do',
    '    [ -f "$f" ] || continue',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "    n=${f%/hostroot.json}",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "    n=${n##*/}",
    "    case $n in host | '' | -* | *- | *[!a-z0-9-]*) continue ;; esac",
    "    printf '%s\\n' \"$n\"",
    "  done",
    "}",
    // One awk for every state file of the host: control characters (newlines too) dropped, 64 KiB at most.
    "hostroot_statefiles() {",
    "  set --",
    '  for n in $hostroot_names; do set -- "$@" "$hostroot_lxc/$n/hostroot.json"; done',
    '  [ "$#" -gt 0 ] || return 0',
    `  awk ${quoteArg(STATEFILES_AWK)} "$@"`,
    "}",
    // `lxc-ls -f` prints a header, then NAME STATE per container; names are checked by the reader.
    "hostroot_states() {",
    "  hostroot_st=' '",
    `  hostroot_st=$hostroot_st$(lxc-ls -P "$hostroot_lxc" -f -F NAME,STATE 2>/dev/null | awk 'NR > 1 && $1 ~ /^[a-z0-9-]+$/ && $2 ~ /^[A-Z]+$/ { printf "%s %s ", $1, $2 }')`,
    "}",
    // Sets $s (no subshell: the first call may load $hostroot_st).
    "hostroot_state() {",
    '  [ -n "$hostroot_st" ] || hostroot_states',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    '  case $hostroot_st in *" $1 "[A-Z]*) s=${hostroot_st#*" $1 "}; s=${s%% *} ;; *) s=UNKNOWN ;; esac',
    "}",
    // The packages' file lists from the host's dpkg, read once per host: every container's
    // stale-mapping check gets them on its stdin, so no container runs dpkg-query -L itself.
    "hostroot_filelists() {",
    `  hostroot_files=$(dpkg-query -L -- ${pkgs} 2>/dev/null) || :`,
    "  hostroot_files_read=1",
    "}",
    "hostroot_inspect() {",
    '  hostroot_state "$1"',
    '  printf \'::hostroot-state %s %s\\n\' "$1" "$s"',
    '  [ "$s" = RUNNING ] || return 0',
    // An unprivileged container (its config maps ids) reports its versions; the host reads its
    // processes' mappings (see INSIDE_SCRIPT).
    '  [ -n "$hostroot_files_read" ] || hostroot_filelists',
    `  if grep -q '^lxc.idmap' "$hostroot_lxc/$1/config" 2>/dev/null; then`,
    `    { lxc-attach -n "$1" ${seesOnly} </dev/null 2>/dev/null; hostroot_maps "$1"; } | ${prefix}`,
    "    return 0",
    "  fi",
    `  lxc-attach -n "$1" ${afterName} 2>/dev/null <<HOSTROOT_FILES | ${prefix}`,
    "$hostroot_files",
    "HOSTROOT_FILES",
    "}",
    // The container's processes: every /proc/PID in its init's PID namespace (one find), on the host.
    "hostroot_maps() {",
    '  p=$(lxc-info -n "$1" -P "$hostroot_lxc" -p -H 2>/dev/null) || p=',
    "  case $p in '' | *[!0-9]*) p=x ;; esac",
    '  ns=$(readlink "/proc/$p/ns/pid" 2>/dev/null) || ns=',
    // No PID namespace to read: the mappings are unknown, never clean.
    "  case $ns in 'pid:['*[0-9]']') ;; *) printf 'stale 0\\nunknown 1\\nend\\n'; return 0 ;; esac",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "  ns=${ns#pid:[}",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "  ns=${ns%]}",
    `  procs=$(find /proc/[0-9]*/ns -maxdepth 1 -name pid -lname "pid:\\[$ns\\]" 2>/dev/null | sed 's|/ns/pid$||')`,
    `  HOSTROOT_PART=maps HOSTROOT_PROCS=$procs HOSTROOT_STRIP="$hostroot_lxc/$1/rootfs" sh -c ${quoteArg(INSIDE_SCRIPT)} hostroot-inspect ${pkgs} 2>/dev/null <<HOSTROOT_FILES`,
    "$hostroot_files",
    "HOSTROOT_FILES",
    "}",
  ].join("\n");
}

/** A process inside a container that maps a replaced (deleted) file of a named package. */
export interface StaleProcess {
  pid: number;
  /** Its command name, reduced to `[A-Za-z0-9._-]`. */
  command: string;
  file: string;
}

/** What one container said about itself (see INSIDE_SCRIPT). */
export interface InsideReport {
  /** Package -> version its dpkg database reports ("-" when not installed). */
  sees: Record<string, string>;
  /** Processes mapping a replaced file, one entry per process and file. */
  stale: StaleProcess[];
  /** Processes whose mappings could not be read (`command (pid N)`): staleness unknown. */
  unknown: string[];
  staleMappings?: number;
  /** True when the report ended with its `end` line and was not cut: it can be believed whole. */
  complete: boolean;
  /** True when the host cut the report (too many or too long lines). */
  cut: boolean;
}

/** Per container: state, state-file text and inside report, read from a script's stdout. */
export interface InspectMarkers {
  /** Container names in the order the host listed them (`::hostroot-container`). */
  containers: string[];
  state: Map<string, string>;
  stateFile: Map<string, string>;
  inside: Map<string, InsideReport>;
}

/** Reads the inspection markers of an upgrade or affected script's stdout. */
export function parseInspectMarkers(stdout: string): InspectMarkers {
  const out: InspectMarkers = { containers: [], state: new Map(), stateFile: new Map(), inside: new Map() };
  // Containers whose report printed `end`: anything after it is not the script's, and not believed.
  const ended = new Set<string>();
  for (const raw of stdout.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const m = /^::hostroot-(container|state|statefile|inside|inside-cut) ([a-z0-9-]+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const [, kind, name, rest = ""] = m as unknown as [string, string, string, string | undefined];
    if (kind === "container") {
      if (!out.containers.includes(name)) out.containers.push(name);
    } else if (kind === "state") out.state.set(name, rest);
    else if (kind === "statefile") out.stateFile.set(name, rest);
    else if (kind === "inside-cut") report(out, name).cut = true;
    else if (ended.has(name)) report(out, name).cut = true;
    else if (insideLine(report(out, name), rest)) ended.add(name);
  }
  for (const r of out.inside.values()) if (r.cut) r.complete = false;
  return out;
}

function report(out: InspectMarkers, name: string): InsideReport {
  let r = out.inside.get(name);
  if (!r) {
    r = { sees: {}, stale: [], unknown: [], complete: false, cut: false };
    out.inside.set(name, r);
  }
  return r;
}

/** Reads one line of a container's report into `r`; true for its `end` line. */
function insideLine(r: InsideReport, text: string): boolean {
  const sees = /^sees ([a-z0-9][a-z0-9+.-]+) (\S+)$/.exec(text);
  const map = /^stale-map ([0-9]{1,10}) ([A-Za-z0-9._-]+) (\/.*)$/.exec(text);
  const unknown = /^unknown-map ([0-9]{1,10}) ([A-Za-z0-9._-]+)$/.exec(text);
  const stale = /^stale ([0-9]{1,10})$/.exec(text);
  if (sees) r.sees[sees[1] as string] = sees[2] as string;
  else if (map) r.stale.push({ pid: Number(map[1]), command: map[2] as string, file: map[3] as string });
  else if (unknown) r.unknown.push(`${unknown[2]} (pid ${unknown[1]})`);
  else if (stale) r.staleMappings = Number(stale[1]);
  else if (text === "end") {
    r.complete = r.staleMappings !== undefined;
    return true;
  }
  return false;
}

/** The PATH hostroot's scripts run with on a host (the SSH login's PATH varies). */
export const HOST_SCRIPT_PATH = CONTAINER_PATH;
