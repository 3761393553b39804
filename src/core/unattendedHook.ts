import { HOST_SCRIPT_PATH } from "./containerInspect.js";
import { assertLxcPath } from "./containerPaths.js";
import { containerSteps } from "./containerSteps.js";
import { definitionHash, type Masks } from "./definitionHash.js";
import type { Definition } from "./definitionSchema.js";
import { hostRootCommand, mountSourcesCommand, stopCommand } from "./hostCommands.js";
import { hostInspectScript } from "./hostInspectScript.js";
import { LOCK_TIMEOUT_EXIT } from "./hostLock.js";
import { HOST_LOCK_FILE, lockedHostScript } from "./lockedHostScript.js";
import { quoteArg, shellQuote } from "./shellQuote.js";

/** Most bytes the journal keeps before it is cut to its last {@link JOURNAL_KEEP_LINES} runs. */
export const JOURNAL_MAX_BYTES = 262_144;
/** Runs kept when the journal is cut. */
export const JOURNAL_KEEP_LINES = 100;
/** Most stale processes recorded per container: a container cannot grow a journal line without bound. */
export const JOURNAL_STALE_PER_CONTAINER = 5;

/**
 * Where the hook and its files live on a host: under the lxcPath, which every container's delta
 * hides (an opaque dir), so no container reads the definitions' service commands and
 * environment baked into the hook, nor the journal's account of its neighbours.
 */
export function unattendedPaths(lxcPath: string): {
  dir: string;
  hook: string;
  journal: string;
  log: string;
  versions: string;
} {
  const lxc = assertLxcPath(lxcPath);
  const dir = `${lxc === "/" ? "" : lxc}/.hostroot`;
  return {
    dir,
    hook: `${dir}/post-dpkg`,
    journal: `${dir}/unattended.jsonl`,
    log: `${dir}/unattended.log`,
    versions: `${dir}/unattended.versions`,
  };
}

/** Options for {@link unattendedHookScript}. */
export interface UnattendedHookOptions {
  lxcPath: string;
  /** The definitions of the host's platform: a stale container is restarted only when its state file carries one of their hashes. */
  definitions: readonly Definition[];
  /** Policy masks, so the hashes match what a deploy records. */
  masks?: Masks;
  /** How long the hook waits for the host lock held by a hostroot operation before skipping. */
  lockTimeoutSeconds: number;
  /** Each restart step is killed after this long (timeout(1)). */
  stepTimeoutSeconds: number;
}

/**
 * The restart part, run under the host lock as `sh -c RESTART hostroot-unattended DIR STARTED
 * PKG...`. For each hostroot container that is running: its report read from the host (the same
 * hostInspectScript upgrade-hosts runs) on the changed packages; a container whose processes map a
 * replaced file of them, or whose mappings cannot be read (fail closed), is restarted as
 * upgrade-hosts does — mount sources checked, full stop, start, service, health — when its state
 * file carries a definition hash the hook knows; then read again. Prints one JSON journal line.
 */
function restartScript(o: UnattendedHookOptions): string {
  const lxc = assertLxcPath(o.lxcPath);
  const limit = String(o.stepTimeoutSeconds);
  // The same host-side read upgrade-hosts makes (one perl on the host; nothing of the container
  // runs), so an unprivileged container's mappings are read too, and its report cannot be forged
  // by its own binaries.
  const inspect = quoteArg(hostInspectScript(400, 512));
  const [sh, dashC, stopText, stopName] = stopCommand("x", lxc, false) as [string, string, string, string];
  // Per known definition: its hash (a container deployed from another version is left alone) and
  // whether it has a health check; then its service and health steps, as upgrade-hosts runs them.
  const known = o.definitions.flatMap((def) => [
    `  ${quoteArg(def.name)})`,
    `    has_health=${def.health ? "yes" : "no"}`,
    `    [ "$2" = ${quoteArg(definitionHash(def, o.masks))} ]`,
    "    return ;;",
  ]);
  const steps = o.definitions.flatMap((def) => {
    const inside = containerSteps(def.name, lxc, def, { setup: false, packages: false });
    if (inside.length === 0) return [];
    return [
      `  ${quoteArg(def.name)})`,
      ...inside.map((s) => `    hostroot_run ${quoteArg(s.id)} ${shellQuote(s.argv)} || return 1`),
      "    ;;",
    ];
  });
  return `umask 022
PATH=${quoteArg(HOST_SCRIPT_PATH)}
LC_ALL=C
export PATH LC_ALL
d=$1
started=$2
shift 2
lxc=${quoteArg(lxc)}
q() { printf '"%s"' "$(printf '%s' "$1" | tr -cd "$2")"; }
hostroot_run() {
  id=$1
  shift
  printf '%s step %s\\n' "$(date -u +%H:%M:%S)" "$id" >&2
  timeout -k 5 ${limit} "$@" </dev/null >&2 2>&1 && return 0
  failed_step=$id
  return 1
}
# The changed packages' file lists, from the host's dpkg, read once: the host-side read takes
# them on its stdin when some mapping is stale.
hostroot_files=
hostroot_files_read=
hostroot_inspect() {
  hostroot_n=$1
  shift
  if [ -z "$hostroot_files_read" ]; then
    hostroot_files=$(dpkg-query -L -- "$@" 2>/dev/null) || :
    hostroot_files_read=1
  fi
  hostroot_p=$(lxc-info -n "$hostroot_n" -P "$lxc" -p -H 2>/dev/null) || hostroot_p=
  case $hostroot_p in '' | *[!0-9]*) hostroot_p=- ;; esac
  perl -e ${inspect} "$lxc" "$#" "$@" "$hostroot_n" "$hostroot_p" 2>/dev/null <<HOSTROOT_FILES | sed -n "s/^::hostroot-inside $hostroot_n //p"
$hostroot_files
HOSTROOT_FILES
}
hostroot_known() {
  case $1 in
${known.join("\n")}
  esac
  return 1
}
hostroot_steps() {
  case $1 in
${steps.join("\n")}
  esac
  return 0
}
hostroot_json_stale() {
  printf '%s\\n' "$1" | awk '$1 == "stale-map" && n < ${JOURNAL_STALE_PER_CONTAINER} { n++; print $2, $3, $4 }' | {
    sep=
    while read -r pid comm file; do
      printf '%s{"pid":%s,"command":%s,"file":%s}' "$sep" "$(printf '%s' "$pid" | tr -cd 0-9)" "$(q "$comm" 'A-Za-z0-9._-')" "$(q "$file" 'A-Za-z0-9._/+~-')"
      sep=,
    done
  }
}
hostroot_json_sees() {
  printf '%s\\n' "$1" | awk '$1 == "sees" { print $2, $3 }' | {
    sep=
    while read -r p v; do
      printf '%s%s:%s' "$sep" "$(q "$p" 'a-z0-9+.-')" "$(q "$v" 'A-Za-z0-9.+~:-')"
      sep=,
    done
  }
}
hostroot_host_root=
entries=
attention=0
for f in "$lxc"/*/hostroot.json; do
  [ -f "$f" ] || continue
  n=\${f%/hostroot.json}
  n=\${n##*/}
  case $n in host | '' | -* | *- | *[!a-z0-9-]*) continue ;; esac
  s=$(lxc-info -n "$n" -P "$lxc" -s -H 2>/dev/null) || s=
  [ "$s" = RUNNING ] || continue
  r=$(hostroot_inspect "$n" "$@")
  stale=$(printf '%s\\n' "$r" | awk '$1 == "stale" { print $2 }')
  unknown=$(printf '%s\\n' "$r" | awk '$1 == "unknown" { print $2 }')
  ended=$(printf '%s\\n' "$r" | awk '$1 == "end" { e = 1 } END { print e + 0 }')
  if [ "$ended" = 1 ] && [ "$stale" = 0 ] && [ "$unknown" = 0 ]; then
    entries="$entries\${entries:+,}{\\"name\\":\\"$n\\",\\"action\\":\\"clean\\"}"
    continue
  fi
  if [ "$ended" = 1 ] && [ "$stale" != 0 ]; then why="maps replaced files"; else why="its mappings cannot be read (counted as stale)"; fi
  hash=$(head -c 65536 -- "$f" | sed -n 's/.*"definitionHash":"\\([0-9a-f]\\{64\\}\\)".*/\\1/p')
  failed_step=
  action=restarted
  has_health=no
  if ! hostroot_known "$n" "$hash"; then
    known=no
  else
    known=yes
  fi
  if [ "$known" = no ]; then
    action=left
    why="$why; not restarted: its definition is not the one hosts prepare --unattended was given (re-run it, or upgrade-hosts)"
    attention=1
  else
    if [ -z "$hostroot_host_root" ]; then
      hostroot_run host-root ${shellQuote(hostRootCommand(`${lxc === "/" ? "" : lxc}/host/rootfs`))} && hostroot_host_root=ok || hostroot_host_root=failed
    fi
    if [ "$hostroot_host_root" != ok ]; then
      action=failed
      failed_step=host-root
    elif ! { hostroot_run "$n.mounts" ${shellQuote(mountSourcesCommand("x").slice(0, -1))} "$lxc/$n/config" &&
      hostroot_run "$n.stop" ${shellQuote([sh, dashC, stopText, stopName])} "$n" "$lxc" &&
      hostroot_run "$n.start" lxc-start -n "$n" -P "$lxc" -d &&
      hostroot_steps "$n" "$hash"; }; then
      action=failed
    fi
    if [ "$action" = failed ]; then
      why="$why; restart failed at $failed_step"
      attention=1
    else
      r=$(hostroot_inspect "$n" "$@")
      stale=$(printf '%s\\n' "$r" | awk '$1 == "stale" { print $2 }')
      unknown=$(printf '%s\\n' "$r" | awk '$1 == "unknown" { print $2 }')
      ended=$(printf '%s\\n' "$r" | awk '$1 == "end" { e = 1 } END { print e + 0 }')
      if [ "$ended" = 1 ] && [ "$stale" = 0 ] && [ "$unknown" = 0 ]; then why=
      elif [ "$ended" = 1 ] && [ "$stale" != 0 ]; then why="still maps replaced files after its restart"; attention=1
      else why="its mappings cannot be read after its restart"; attention=1
      fi
    fi
  fi
  e="{\\"name\\":\\"$n\\",\\"action\\":\\"$action\\""
  case $action in restarted) e="$e,\\"sees\\":{$(hostroot_json_sees "$r")}" ;; esac
  if [ "$has_health" = yes ] && [ "$action" = restarted ]; then e="$e,\\"healthy\\":true"
  elif [ "$has_health" = yes ] && [ "$action" = failed ] && [ "$failed_step" = "$n.health" ]; then e="$e,\\"healthy\\":false"
  fi
  [ -n "$why" ] && e="$e,\\"stale\\":[$(hostroot_json_stale "$r")],\\"why\\":$(q "$why" 'A-Za-z0-9 .,;:()/_+-')"
  [ -n "$failed_step" ] && e="$e,\\"failedStep\\":$(q "$failed_step" 'a-z0-9.-')"
  entries="$entries\${entries:+,}$e}"
done
if [ "$attention" = 0 ]; then outcome=ok; else outcome=attention; fi
printf '{"v":1,"at":%s,"finishedAt":%s,"outcome":"%s","upgraded":[%s],"containers":[%s]}\\n' \\
  "$(q "$started" 'A-Za-z0-9:-')" "$(q "$(date -u +%Y-%m-%dT%H:%M:%SZ)" 'A-Za-z0-9:-')" "$outcome" "$(cat -- "$d/changes.json")" "$entries"
`;
}

/** Who the hook says it is in the host lock's holder file, shown to an operation that waits for it. */
export const UNATTENDED_HOLDER = "unattended-upgrades (hostroot post-dpkg hook)";

/**
 * The post-dpkg hook `hosts prepare --unattended` installs (apt runs it after every dpkg run,
 * `DPkg::Post-Invoke`). Everything it does goes to its log, and it always exits 0: a hook that
 * failed would fail the apt run that called it, and dpkg has already done its work by then.
 *
 * 1. What changed: the installed packages and versions, compared with the list the previous
 *    run (or `hosts prepare`) left; nothing changed, nothing to do.
 * 2. Inside a hostroot operation (upgrade-hosts, hosts prepare --install): the holder of the
 *    host lock is one of the hook's own ancestors, which restarts the containers itself; waiting
 *    for its lock would wait for ever, so the hook only records the new versions.
 * 3. Otherwise it takes the host lock as every hostroot operation does, waiting at most
 *    `lockTimeoutSeconds` (an unattended run has nobody waiting, and a restart skipped leaves
 *    containers on the old code): on a timeout it journals a `skipped` run naming the holder and
 *    keeps the old list, so the next dpkg run tries again.
 * 4. Under the lock, {@link restartScript}; one JSON line per run appended to the journal, which
 *    is cut to its last {@link JOURNAL_KEEP_LINES} lines beyond {@link JOURNAL_MAX_BYTES}.
 */
export function unattendedHookScript(o: UnattendedHookOptions): string {
  const paths = unattendedPaths(o.lxcPath);
  if (!Number.isInteger(o.stepTimeoutSeconds) || o.stepTimeoutSeconds < 1)
    throw new Error("unattendedHookScript: stepTimeoutSeconds must be a positive integer");
  const locked = lockedHostScript(restartScript(o), {
    holder: UNATTENDED_HOLDER,
    timeoutSeconds: o.lockTimeoutSeconds,
  });
  return `#!/bin/sh
# hostroot post-dpkg hook, written by \`hostroot hosts prepare --unattended\`: re-run that command
# to change it. apt runs it after every dpkg run; it restarts the containers that still map
# replaced files of what dpkg changed, and appends one line per run to ${paths.journal}.
# It always exits 0: it must never fail the apt run that called it.
PATH=${quoteArg(HOST_SCRIPT_PATH)}
LC_ALL=C
export PATH LC_ALL
d=${quoteArg(paths.dir)}
# Inside a container (which sees /etc/apt through the host root), the lxcPath is an empty opaque dir.
[ -d "$d" ] || exit 0
hostroot_main() {
  umask 077
  started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  dpkg-query -W -f='\${db:Status-Abbrev} \${Package}:\${Architecture} \${Version}\\n' 2>/dev/null |
    awk '$1 ~ /^.i/ { print $2, $3 }' | sort >"$d/versions.new" || return 0
  if [ ! -s "$d/unattended.versions" ]; then mv -f -- "$d/versions.new" "$d/unattended.versions"; return 0; fi
  join -a 1 -a 2 -e - -o 0,1.2,2.2 -- "$d/unattended.versions" "$d/versions.new" | awk '$2 != $3' >"$d/changes"
  if [ ! -s "$d/changes" ]; then mv -f -- "$d/versions.new" "$d/unattended.versions"; return 0; fi
  echo "$started dpkg changed:"
  cat -- "$d/changes"
  holder=$(sed -n 's/.*"pid":\\([0-9]\\{1,10\\}\\).*/\\1/p' ${quoteArg(`${HOST_LOCK_FILE}.holder`)} 2>/dev/null)
  p=$$
  while [ -n "$holder" ] && [ "$p" -gt 1 ] 2>/dev/null; do
    if [ "$p" = "$holder" ]; then
      echo "run by the hostroot operation holding the host lock (pid $holder), which restarts the containers itself"
      mv -f -- "$d/versions.new" "$d/unattended.versions"
      return 0
    fi
    p=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d ' ' -f 2)
  done
  # {"package":..,"before":..,"after":..} per changed package, names without their architecture.
  awk '{ n = $1; sub(/:.*/, "", n); if (seen[n]++) next; printf "%s{\\"package\\":\\"%s\\",\\"before\\":\\"%s\\",\\"after\\":\\"%s\\"}", sep, n, $2, $3; sep = "," }' "$d/changes" |
    tr -cd 'A-Za-z0-9.+~:{}",_-' >"$d/changes.json"
  pkgs=$(awk '$3 != "-" { n = $1; sub(/:.*/, "", n); print n }' "$d/changes" | sort -u | tr -cd 'a-z0-9+.\\n-')
  # shellcheck disable=SC2086 # package names: [a-z0-9+.-] only, one word each
  out=$(sh -c ${quoteArg(locked)} hostroot-unattended "$d" "$started" $pkgs)
  rc=$?
  printf '%s\\n' "$out" | grep -v '^{' || true
  if [ "$rc" -eq ${LOCK_TIMEOUT_EXIT} ]; then
    by=$(printf '%s\\n' "$out" | sed -n 's/^::hostroot-lock timeout .*"holder":"\\([^"]*\\)".*/\\1/p' | tr -cd 'A-Za-z0-9 @._:/()-' | cut -c 1-200)
    line=$(printf '{"v":1,"at":"%s","finishedAt":"%s","outcome":"skipped","why":"the host lock was held by %s for more than ${o.lockTimeoutSeconds} s; the next dpkg run tries again","upgraded":[%s],"containers":[]}' "$started" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "\${by:-an unknown holder}" "$(cat -- "$d/changes.json")")
  else
    line=$(printf '%s\\n' "$out" | grep '^{"v":1,' | tail -n 1)
    [ -n "$line" ] || line=$(printf '{"v":1,"at":"%s","finishedAt":"%s","outcome":"attention","why":"the restart script ended early (exit %s): see ${paths.log}","upgraded":[%s],"containers":[]}' "$started" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$rc" "$(cat -- "$d/changes.json")")
    mv -f -- "$d/versions.new" "$d/unattended.versions"
  fi
  printf '%s\\n' "$line" >>"$d/unattended.jsonl"
  if [ "$(wc -c <"$d/unattended.jsonl")" -gt ${JOURNAL_MAX_BYTES} ]; then
    tail -n ${JOURNAL_KEEP_LINES} -- "$d/unattended.jsonl" >"$d/unattended.jsonl.new" && mv -f -- "$d/unattended.jsonl.new" "$d/unattended.jsonl"
  fi
  return 0
}
if [ -f "$d/unattended.log" ] && [ "$(wc -c <"$d/unattended.log")" -gt 1048576 ]; then
  tail -n 2000 -- "$d/unattended.log" >"$d/unattended.log.new" && mv -f -- "$d/unattended.log.new" "$d/unattended.log"
fi
hostroot_main </dev/null >>"$d/unattended.log" 2>&1
exit 0
`;
}
