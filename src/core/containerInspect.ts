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
 * - `hostroot_statefile NAME`: `::hostroot-statefile NAME <json>` (the host-owned state file);
 * - `hostroot_inspect NAME`: `::hostroot-state NAME RUNNING|STOPPED|…` and, when running, the
 *   container's own report (see INSIDE_SCRIPT) stripped of control characters, every line
 *   prefixed `::hostroot-inside NAME ` by the host (a container can only ever speak about
 *   itself), at most {@link INSIDE_LINE_LIMIT} lines of {@link INSIDE_LINE_BYTES} bytes; beyond
 *   either, `::hostroot-inside-cut NAME`, and the report counts as incomplete.
 */
export function inspectFunctions(lxcPath: string, packages: readonly string[]): string {
  const inside = ["/bin/sh", "-c", INSIDE_SCRIPT, "hostroot-inspect", ...packages];
  const attach = lxcAttach("x", lxcPath, inside);
  // lxcAttach's argv is `lxc-attach -n NAME -P PATH --clear-env ...`: the name is a runtime value here.
  const afterName = shellQuote(attach.slice(3));
  const seesOnly = shellQuote(lxcAttach("x", lxcPath, inside, { HOSTROOT_PART: "sees" }).slice(3));
  const report = `${STRIP_CONTROL} | head -n ${INSIDE_LINE_LIMIT + 1} | hostroot_prefix "$1"`;
  return [
    `hostroot_lxc=${quoteArg(lxcPath)}`,
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
    "hostroot_statefile() {",
    `  printf '::hostroot-statefile %s %s\\n' "$1" "$(head -c 65536 -- "$hostroot_lxc/$1/hostroot.json" | tr -d '\\000-\\037')"`,
    "}",
    "hostroot_prefix() {",
    "  i=0",
    "  while IFS= read -r l; do",
    "    i=$((i + 1))",
    `    if [ "$i" -gt ${INSIDE_LINE_LIMIT} ]; then printf '::hostroot-inside-cut %s\\n' "$1"; break; fi`,
    `    if [ "\${#l}" -gt ${INSIDE_LINE_BYTES} ]; then printf '::hostroot-inside-cut %s\\n' "$1"; l=$(printf '%.${INSIDE_LINE_BYTES}s' "$l"); fi`,
    '    printf \'::hostroot-inside %s %s\\n\' "$1" "$l"',
    "  done",
    "}",
    "hostroot_inspect() {",
    '  s=$(lxc-info -n "$1" -P "$hostroot_lxc" -s -H 2>/dev/null) || s=',
    "  case $s in *[!A-Z]* | '') s=UNKNOWN ;; esac",
    '  printf \'::hostroot-state %s %s\\n\' "$1" "$s"',
    '  [ "$s" = RUNNING ] || return 0',
    // An unprivileged container (its config maps ids) reports its versions; the host reads its
    // processes' mappings (see INSIDE_SCRIPT).
    `  if grep -q '^lxc.idmap' "$hostroot_lxc/$1/config" 2>/dev/null; then`,
    `    { lxc-attach -n "$1" ${seesOnly} </dev/null 2>/dev/null; hostroot_maps "$1"; } | ${report}`,
    "    return 0",
    "  fi",
    `  lxc-attach -n "$1" ${afterName} </dev/null 2>/dev/null | ${report}`,
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
    `  HOSTROOT_PART=maps HOSTROOT_PROCS=$procs HOSTROOT_STRIP="$hostroot_lxc/$1/rootfs" sh -c ${quoteArg(INSIDE_SCRIPT)} hostroot-inspect ${packages.map(quoteArg).join(" ")} </dev/null 2>/dev/null`,
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
