import { CONTAINER_PATH, lxcAttach } from "./hostCommands.js";
import { quoteArg, shellQuote } from "./shellQuote.js";

/**
 * Runs inside a container (via lxc-attach), read-only: for each package, the version the
 * container's own dpkg database reports (`sees PKG VERSION`, `-` when not installed: a delta
 * that shadows /var/lib/dpkg shows here), then the first line of each file after `--`
 * (`file I TEXT` or `missing I`), then `stale N`: how many processes map a file of those
 * packages whose link count is 0. dpkg replaces files by rename, and through OverlayFS a mapping
 * of the replaced file shows no "(deleted)" marker, so the link count of the mapped file, read
 * through /proc/PID/map_files, is the signal. It writes nothing (a temp file would land in the
 * delta). dpkg lists merged-/usr paths as /lib/..., so a mapped /usr/lib/... also matches /lib/....
 */
const INSIDE_SCRIPT = `nl='
'
list=
while [ "$#" -gt 0 ]; do
  p=$1
  shift
  if [ "$p" = -- ]; then break; fi
  v=$(dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' -- "$p" 2>/dev/null) || v=
  case $v in ?i?'|'?*) v=\${v#*|} ;; *) v=- ;; esac
  printf 'sees %s %s\\n' "$p" "$v"
  list=$list$nl$(dpkg-query -L -- "$p" 2>/dev/null)
done
list=$list$nl
i=0
for f in "$@"; do
  i=$((i + 1))
  if [ -f "$f" ] && [ -r "$f" ]; then printf 'file %s %s\\n' "$i" "$(head -c 256 -- "$f" | head -n 1)"; else printf 'missing %s\\n' "$i"; fi
done
pids=
stale=0
for m in $(find -L /proc/[0-9]*/map_files -mindepth 1 -maxdepth 1 -links 0 2>/dev/null); do
  t=$(readlink -- "$m" 2>/dev/null) || continue
  t=\${t% (deleted)}
  case $list in *"$nl$t$nl"* | *"$nl\${t#/usr}$nl"*) ;; *) continue ;; esac
  pid=\${m#/proc/}
  pid=\${pid%%/*}
  case " $pids " in *" $pid "*) ;; *) pids="$pids $pid"; stale=$((stale + 1)) ;; esac
done
printf 'stale %s\\n' "$stale"`;

/** Most lines kept from one container's report: a container cannot flood the host's output. */
export const INSIDE_LINE_LIMIT = 200;

/**
 * Shell functions shared by the upgrade and affected scripts (constant text; the lxcPath and
 * everything else arrive as quoted data):
 * - `hostroot_containers`: the hostroot containers of the host (dirs holding hostroot.json),
 *   one DNS-label name per line — any other dir name is skipped, since names travel unquoted
 *   in marker lines;
 * - `hostroot_statefile NAME`: `::hostroot-statefile NAME <json>` (the host-owned state file);
 * - `hostroot_inspect NAME`: `::hostroot-state NAME RUNNING|STOPPED|…` and, when running, the
 *   container's own report, every line prefixed `::hostroot-inside NAME ` by the host: a
 *   container can only ever speak about itself.
 */
export function inspectFunctions(
  lxcPath: string,
  packages: readonly string[],
  files: readonly string[],
): string {
  const attach = lxcAttach("x", lxcPath, [
    "/bin/sh",
    "-c",
    INSIDE_SCRIPT,
    "hostroot-inspect",
    ...packages,
    "--",
    ...files,
  ]);
  // lxcAttach's argv is `lxc-attach -n NAME -P PATH --clear-env ...`: the name is a runtime value here.
  const afterName = shellQuote(attach.slice(3));
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
    "hostroot_inspect() {",
    '  s=$(lxc-info -n "$1" -P "$hostroot_lxc" -s -H 2>/dev/null) || s=',
    "  case $s in *[!A-Z]* | '') s=UNKNOWN ;; esac",
    '  printf \'::hostroot-state %s %s\\n\' "$1" "$s"',
    '  [ "$s" = RUNNING ] || return 0',
    `  lxc-attach -n "$1" ${afterName} </dev/null 2>/dev/null | head -n ${INSIDE_LINE_LIMIT} |`,
    '    while IFS= read -r l; do printf \'::hostroot-inside %s %s\\n\' "$1" "$l"; done',
    "}",
  ].join("\n");
}

/** What one container said about itself (see {@link inspectFunctions}). */
export interface InsideReport {
  /** Package -> version its dpkg database reports ("-" when not installed). */
  sees: Record<string, string>;
  /** File index (0-based, in the order asked) -> first line, or null when missing. */
  files: Map<number, string | null>;
  staleMappings?: number;
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
  for (const raw of stdout.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const m = /^::hostroot-(container|state|statefile|inside) ([a-z0-9-]+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const [, kind, name, rest = ""] = m as unknown as [string, string, string, string | undefined];
    if (kind === "container") {
      if (!out.containers.includes(name)) out.containers.push(name);
    } else if (kind === "state") out.state.set(name, rest);
    else if (kind === "statefile") out.stateFile.set(name, rest);
    else insideLine(out, name, rest);
  }
  return out;
}

function insideLine(out: InspectMarkers, name: string, text: string): void {
  let report = out.inside.get(name);
  if (!report) {
    report = { sees: {}, files: new Map() };
    out.inside.set(name, report);
  }
  const sees = /^sees ([a-z0-9][a-z0-9+.-]+) (\S+)$/.exec(text);
  const file = /^file ([0-9]+) ?(.*)$/.exec(text);
  const missing = /^missing ([0-9]+)$/.exec(text);
  const stale = /^stale ([0-9]+)$/.exec(text);
  if (sees) report.sees[sees[1] as string] = sees[2] as string;
  else if (file) report.files.set(Number(file[1]) - 1, file[2] as string);
  else if (missing) report.files.set(Number(missing[1]) - 1, null);
  else if (stale) report.staleMappings = Number(stale[1]);
}

/** The PATH hostroot's scripts run with on a host (the SSH login's PATH varies). */
export const HOST_SCRIPT_PATH = CONTAINER_PATH;
