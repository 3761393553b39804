import { CONTAINER_PATH } from "./hostCommands.js";
import { hostInspectScript } from "./hostInspectScript.js";
import { quoteArg } from "./shellQuote.js";

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
 * - `hostroot_states`: every container's LXC state and init PID from one `lxc-ls` for the whole
 *   host (one process instead of an `lxc-info` per container), kept in `$hostroot_st` and
 *   `$hostroot_pids`; an upgrade records what its restarts did instead of asking again
 *   (`RUNNING` once lxc-start -d returned, which it does only once the container runs; what
 *   lxc-info says after a failure); `hostroot_state NAME` sets `$s` to the newest state recorded
 *   (`UNKNOWN` when LXC does not list it);
 * - `hostroot_running_states`: the same states, for an upgrade's restart loop, from two name
 *   lists (`lxc-ls --running -1`, `--frozen -1`): LXC loads no container's config for them,
 *   where `lxc-ls -f` loads every one (about 2.5 ms of CPU per container, twice per upgrade). A
 *   listed container that is not frozen counts as RUNNING, an unlisted one as STOPPED; if either
 *   list fails, `hostroot_states` is asked instead;
 * - `hostroot_started NAME`: records the LXC monitor that `lxc-start -d -p` wrote into
 *   `$hostroot_tmp/NAME.pid`; `hostroot_init NAME` sets `$s` and `$p` after the restarts: a
 *   container this run started is RUNNING with its monitor's one child as init while that
 *   monitor lives (and is `lxc-start`); for anything else — a dead or replaced monitor, a second
 *   child, a container this run did not start — LXC is asked (`lxc-info -s -p`);
 * - `hostroot_inspect_all`: `::hostroot-state NAME RUNNING|STOPPED|…` for every container, from
 *   a fresh `lxc-ls` (the restarts changed the init PIDs) or, after this run's restarts, from
 *   `hostroot_init`, then ONE host-side read of every
 *   running container's view (see hostInspectScript: its own dpkg database through its root, and
 *   every process's mappings; no lxc-attach, nothing of the container runs), every line prefixed
 *   `::hostroot-inside NAME ` by the host (a container can only ever speak about itself), control
 *   characters dropped, at most {@link INSIDE_LINE_LIMIT} lines of {@link INSIDE_LINE_BYTES}
 *   bytes; beyond either, `::hostroot-inside-cut NAME`, and the report counts as incomplete. The
 *   packages' file lists are read once per host (`hostroot_filelists`) and reach it on stdin.
 */
/** Reads every state file given as an argument into one `::hostroot-statefile NAME TEXT` line each. */
const STATEFILES_AWK = String.raw`function out() { if (f != "") printf "::hostroot-statefile %s %s\n", name, substr(t, 1, 65536) }
FNR == 1 { out(); f = FILENAME; name = f; sub(/\/hostroot\.json$/, "", name); sub(/.*\//, "", name); t = "" }
{ gsub(/[\001-\037\177]/, ""); if (length(t) <= 65536) t = t $0 }
END { out() }`;

export function inspectFunctions(lxcPath: string, packages: readonly string[]): string {
  const pkgs = packages.map(quoteArg).join(" ");
  const inspect = quoteArg(hostInspectScript(INSIDE_LINE_LIMIT, INSIDE_LINE_BYTES));
  return [
    `hostroot_lxc=${quoteArg(lxcPath)}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "hostroot_proc=${HOSTROOT_PROC:-/proc}",
    "hostroot_st=",
    "hostroot_pids=",
    "hostroot_mons=",
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
    // `lxc-ls -f` prints a header, then NAME STATE PID per container; names are checked by the reader.
    "hostroot_states() {",
    "  hostroot_st=' '",
    "  hostroot_pids=' '",
    `  hostroot_ls=$(lxc-ls -P "$hostroot_lxc" -f -F NAME,STATE,PID 2>/dev/null | awk 'NR > 1 && $1 ~ /^[a-z0-9-]+$/ && $2 ~ /^[A-Z]+$/ { printf "%s %s %s\\n", $1, $2, ($3 ~ /^[0-9]+$/ ? $3 : "-") }')`,
    "  while read -r hostroot_n hostroot_s hostroot_p; do",
    '    hostroot_st="$hostroot_st$hostroot_n $hostroot_s "',
    '    hostroot_pids="$hostroot_pids$hostroot_n:$hostroot_p "',
    "  done <<HOSTROOT_LS",
    "$hostroot_ls",
    "HOSTROOT_LS",
    "}",
    // Two name lists instead of every container's config (see the doc comment above); names
    // that are not DNS labels are none of hostroot's, and globbing stays off while they split.
    "hostroot_running_states() {",
    '  hostroot_a=$(lxc-ls -P "$hostroot_lxc" --running -1 2>/dev/null) &&',
    '    hostroot_f=$(lxc-ls -P "$hostroot_lxc" --frozen -1 2>/dev/null) || { hostroot_states; return; }',
    "  hostroot_st=' '",
    "  set -f",
    "  for n in $hostroot_f; do",
    "    case $n in '' | *[!a-z0-9-]*) continue ;; esac",
    '    hostroot_st="$hostroot_st$n FROZEN "',
    "  done",
    "  for n in $hostroot_a; do",
    "    case $n in '' | *[!a-z0-9-]*) continue ;; esac",
    '    case $hostroot_st in *" $n "[A-Z]*) ;; *) hostroot_st="$hostroot_st$n RUNNING " ;; esac',
    "  done",
    "  set +f",
    "  for n in $hostroot_names; do",
    '    case $hostroot_st in *" $n "[A-Z]*) ;; *) hostroot_st="$hostroot_st$n STOPPED " ;; esac',
    "  done",
    "}",
    // The monitor `lxc-start -d -p` wrote (no newline at its end: read still sets m).
    "hostroot_started() {",
    "  m=",
    '  read -r m 2>/dev/null <"$hostroot_tmp/$1.pid" || :',
    "  case $m in '' | *[!0-9]*) m= ;; esac",
    '  hostroot_mons="$hostroot_mons $1:$m"',
    "}",
    "hostroot_init() {",
    "  m=",
    "  c=",
    "  k=",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    '  case $hostroot_mons in *" $1:"[0-9]*) m=${hostroot_mons#*" $1:"}; m=${m%% *} ;; esac',
    '  if [ -n "$m" ]; then',
    '    read -r k 2>/dev/null <"$hostroot_proc/$m/comm" || :',
    '    read -r c 2>/dev/null <"$hostroot_proc/$m/task/$m/children" || :',
    "  fi",
    "  case $k:$c in lxc-start:[0-9]*) case $c in *[!0-9]*) ;; *) s=RUNNING; p=$c; return 0 ;; esac ;; esac",
    '  hostroot_i=$(lxc-info -n "$1" -P "$hostroot_lxc" -s -p -H 2>/dev/null) || hostroot_i=',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "  s=${hostroot_i%%[!A-Z]*}",
    '  [ -n "$s" ] || s=UNKNOWN',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    '  p=${hostroot_i#"${hostroot_i%%[0-9]*}"}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    "  p=${p%%[!0-9]*}",
    '  [ -n "$p" ] || p=-',
    "}",
    // Sets $s (no subshell: the first call may load $hostroot_st).
    "hostroot_state() {",
    '  [ -n "$hostroot_st" ] || hostroot_states',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    '  case $hostroot_st in *" $1 "[A-Z]*) s=${hostroot_st#*" $1 "}; s=${s%% *} ;; *) s=UNKNOWN ;; esac',
    "}",
    // The packages' file lists from the host's dpkg, read once per host, for the stale-mapping check.
    "hostroot_filelists() {",
    `  hostroot_files=$(dpkg-query -L -- ${pkgs} 2>/dev/null) || :`,
    "  hostroot_files_read=1",
    "}",
    // Every container's state and init PID read again (the restarts changed them), then one
    // host-side read of every running container's view (hostInspectScript): no process of a
    // container's runs, and it can only ever speak about itself.
    "hostroot_inspect_all() {",
    '  [ -n "$hostroot_mons" ] || hostroot_states',
    "  set --",
    "  for n in $hostroot_names; do",
    '    hostroot_state "$n"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
    '    case $hostroot_pids in *" $n:"[0-9]*) p=${hostroot_pids#*" $n:"}; p=${p%% *} ;; *) p=- ;; esac',
    '    [ -z "$hostroot_mons" ] || [ "$s" != RUNNING ] || hostroot_init "$n"',
    '    printf \'::hostroot-state %s %s\\n\' "$n" "$s"',
    '    [ "$s" = RUNNING ] || continue',
    '    set -- "$@" "$n" "$p"',
    "  done",
    '  [ "$#" -gt 0 ] || return 0',
    '  [ -n "$hostroot_files_read" ] || hostroot_filelists',
    `  perl -e ${inspect} "$hostroot_lxc" ${packages.length} ${pkgs} "$@" 2>/dev/null <<HOSTROOT_FILES`,
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

/** What one container's report says about it (see hostInspectScript). */
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
  const unknownCount = /^unknown ([0-9]{1,10})$/.exec(text);
  if (sees) r.sees[sees[1] as string] = sees[2] as string;
  else if (map) r.stale.push({ pid: Number(map[1]), command: map[2] as string, file: map[3] as string });
  else if (unknown) r.unknown.push(`${unknown[2]} (pid ${unknown[1]})`);
  else if (stale) r.staleMappings = Number(stale[1]);
  else if (unknownCount) {
    // The count covers what no `unknown-map` line names (the host could not even tell which
    // processes are the container's): still unknown, never clean.
    const unnamed = Number(unknownCount[1]) - r.unknown.length;
    if (unnamed > 0)
      r.unknown.push(
        unnamed === 1 ? "a process it could not name" : `${unnamed} processes it could not name`,
      );
  } else if (text === "end") {
    r.complete = r.staleMappings !== undefined;
    return true;
  }
  return false;
}

/** The PATH hostroot's scripts run with on a host (the SSH login's PATH varies). */
export const HOST_SCRIPT_PATH = CONTAINER_PATH;
