/**
 * The unattended hook's report from inside a container (upgrade-hosts and affected read the same
 * report from the host instead, for every container at once: see hostInspectScript; the lines
 * are the same). Runs inside a container (via lxc-attach, as `sh -c INSIDE_SCRIPT NAME PKG...`), read-only, and
 * writes nothing (a temp file would land in the delta). For each package, the version the
 * container's own dpkg database reports (`sees PKG VERSION`, `-` when not installed: a delta that
 * shadows /var/lib/dpkg shows here), all from one dpkg-query. The packages' file lists arrive on
 * stdin (the host's, read once per host) and are read only when a mapping is stale. Then every process's mappings, read through
 * /proc/PID/map_files: dpkg replaces files by rename, and through OverlayFS a mapping of the
 * replaced file shows no "(deleted)" marker, so a mapped file of those packages whose link count
 * is 0 is the signal (`stale-map PID COMM FILE`); one `find` reads every process's mappings. The
 * check fails closed: a process whose mappings cannot be read (no CAP_SYS_ADMIN over the host's
 * user namespace, as in an unprivileged container, or a find error while the process lives) is
 * `unknown-map PID COMM`, never counted as clean; an error naming no process counts as unknown. Then `stale N` (processes mapping a replaced file), `unknown N`, and
 * `end`, so a report cut short is told apart from a clean one. dpkg lists merged-/usr paths as
 * /lib/..., so a mapped /usr/lib/... also matches /lib/.... COMM is reduced to `[A-Za-z0-9._-]`.
 *
 * An unprivileged container cannot read map_files (that takes CAP_SYS_ADMIN over the host's
 * user namespace), and running its binaries as host root would hand it the host. So for one,
 * the script runs twice: inside with `HOSTROOT_PART=sees` (the versions only), and on the host,
 * with the host's own tools, as `HOSTROOT_PART=maps` over `HOSTROOT_PROCS` (the container's
 * `/proc/PID` dirs, host PIDs) with `HOSTROOT_STRIP` (its rootfs mount point) taken off any
 * mapped path that shows it.
 */
export const INSIDE_SCRIPT = `LC_ALL=C
export LC_ALL
nl='
'
part=\${HOSTROOT_PART:-all}
if [ "$part" != maps ]; then
  # One dpkg-query for every package: PKG|STATUS|VERSION per package it knows.
  all=$nl$(dpkg-query -W -f='\${Package}|\${db:Status-Abbrev}|\${Version}\\n' -- "$@" 2>/dev/null)$nl
  for p in "$@"; do
    case $all in
      *"$nl$p|"?i?'|'?*) v=\${all#*"$nl$p|"}; v=\${v%%"$nl"*}; v=\${v#*|} ;;
      *) v=- ;;
    esac
    [ -n "$v" ] || v=-
    printf 'sees %s %s\\n' "$p" "$v"
  done
fi
[ "$part" != sees ] || exit 0
# The packages' file lists: the host's, on stdin, read only when some mapping is stale.
list=
if [ "$part" = maps ]; then
  set --
  for q in \${HOSTROOT_PROCS:-}; do set -- "$@" "$q/map_files"; done
else
  set -- /proc/[0-9]*/map_files
fi
strip=\${HOSTROOT_STRIP:-}
# One find over every process (a fork per process would cost more than the restart itself).
# Its lines: \`S MAPPING\` (link count 0), \`U MAPPING\` (cannot be followed), or an error naming
# /proc/PID/... (the process's mappings cannot be listed). No process at all: nothing to find.
out=
if [ "$#" -gt 0 ]; then
  out=$(find -L "$@" -mindepth 1 -maxdepth 1 \\( -type l -printf 'U %p\\n' -o -links 0 -printf 'S %p\\n' \\) 2>&1)
else
  [ "$part" != maps ] || unknown_none=1
fi
# Read before the loop below, whose own stdin is the scan.
case $out in *'S /proc/'*) list=$nl$(cat)$nl ;; esac
seen=$nl
stale_pids=' '
unknown_pids=' '
unknown_other=0
while IFS= read -r line; do
  case $line in
    '') continue ;;
    'S /proc/'* | 'U /proc/'*) m=\${line#? } ;;
    *'/proc/'[0-9]*) m=/proc/\${line#*/proc/} ;;
    *) unknown_other=1; continue ;;
  esac
  pid=\${m#/proc/}
  pid=\${pid%%[!0-9]*}
  [ -n "$pid" ] || { unknown_other=1; continue; }
  case $line in
    'S '*)
      if t=$(readlink -- "$m" 2>/dev/null); then
        t=\${t% (deleted)}
        if [ -n "$strip" ]; then t=\${t#"$strip"}; fi
        case $list in *"$nl$t$nl"* | *"$nl\${t#/usr}$nl"*) ;; *) continue ;; esac
        # One line per process and file, however many segments of the file it maps.
        case $seen in *"$nl$pid $t$nl"*) continue ;; esac
        seen=$seen$pid' '$t$nl
        case $stale_pids in *" $pid "*) ;; *) stale_pids="$stale_pids$pid " ;; esac
        c=$(tr -c 'A-Za-z0-9._-' '_' 2>/dev/null <"/proc/$pid/comm") || c=
        c=\${c%_}
        printf 'stale-map %s %s %s\\n' "$pid" "\${c:--}" "$t"
        continue
      fi
      ;;
  esac
  # A process that ended during the scan is no unknown: it maps nothing any more.
  [ -d "/proc/$pid" ] || continue
  case $unknown_pids in *" $pid "*) ;; *) unknown_pids="$unknown_pids$pid " ;; esac
done <<EOF
$out
EOF
stale=0
for pid in $stale_pids; do stale=$((stale + 1)); done
unknown=$((unknown_other + \${unknown_none:-0}))
for pid in $unknown_pids; do
  [ -d "/proc/$pid" ] || continue
  c=$(tr -c 'A-Za-z0-9._-' '_' 2>/dev/null <"/proc/$pid/comm") || c=
  c=\${c%_}
  printf 'unknown-map %s %s\\n' "$pid" "\${c:--}"
  unknown=$((unknown + 1))
done
printf 'stale %s\\nunknown %s\\nend\\n' "$stale" "$unknown"`;
