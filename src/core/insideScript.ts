/**
 * Runs inside a container (via lxc-attach, as `sh -c INSIDE_SCRIPT NAME PKG...`), read-only, and
 * writes nothing (a temp file would land in the delta). For each package, the version the
 * container's own dpkg database reports (`sees PKG VERSION`, `-` when not installed: a delta that
 * shadows /var/lib/dpkg shows here). Then every process's mappings, read through
 * /proc/PID/map_files: dpkg replaces files by rename, and through OverlayFS a mapping of the
 * replaced file shows no "(deleted)" marker, so a mapped file of those packages whose link count
 * is 0 is the signal (`stale-map PID COMM FILE`). The check fails closed: a process whose
 * mappings cannot be read (no CAP_SYS_ADMIN over the host's user namespace, as in an
 * unprivileged container, or a find error while the process lives) is `unknown-map PID COMM`,
 * never counted as clean. Then `stale N` (processes mapping a replaced file), `unknown N`, and
 * `end`, so a report cut short is told apart from a clean one. dpkg lists merged-/usr paths as
 * /lib/..., so a mapped /usr/lib/... also matches /lib/.... COMM is reduced to `[A-Za-z0-9._-]`.
 */
export const INSIDE_SCRIPT = `LC_ALL=C
export LC_ALL
nl='
'
list=
for p in "$@"; do
  v=$(dpkg-query -W -f='\${db:Status-Abbrev}|\${Version}' -- "$p" 2>/dev/null) || v=
  case $v in ?i?'|'?*) v=\${v#*|} ;; *) v=- ;; esac
  printf 'sees %s %s\\n' "$p" "$v"
  list=$list$nl$(dpkg-query -L -- "$p" 2>/dev/null)
done
list=$list$nl
stale=0
unknown=0
for d in /proc/[0-9]*; do
  pid=\${d#/proc/}
  [ "$pid" = "$$" ] && continue
  out=$(find -L "$d/map_files" -mindepth 1 -maxdepth 1 \\( -type l -printf 'U %p\\n' -o -links 0 -printf 'S %p\\n' \\) 2>&1) || out="$out\${nl}E"
  [ -n "$out" ] || continue
  c=$(cat -- "$d/comm" 2>/dev/null) || c=
  c=$(printf '%s' "$c" | tr -c 'A-Za-z0-9._-' '_')
  [ -n "$c" ] || c=-
  hit=0
  bad=0
  seen=$nl
  while IFS= read -r line; do
    case $line in
      'S '*)
        t=$(readlink -- "\${line#S }" 2>/dev/null) || { bad=1; continue; }
        t=\${t% (deleted)}
        case $list in *"$nl$t$nl"* | *"$nl\${t#/usr}$nl"*) ;; *) continue ;; esac
        # One line per process and file, however many segments of the file it maps.
        case $seen in *"$nl$t$nl"*) continue ;; esac
        seen=$seen$t$nl
        printf 'stale-map %s %s %s\\n' "$pid" "$c" "$t"
        hit=1
        ;;
      '') ;;
      *) bad=1 ;;
    esac
  done <<EOF
$out
EOF
  # A process that ended during the scan is no unknown: it maps nothing any more.
  if [ "$bad" = 1 ] && [ -d "$d" ]; then
    printf 'unknown-map %s %s\\n' "$pid" "$c"
    unknown=$((unknown + 1))
  fi
  [ "$hit" = 1 ] && stale=$((stale + 1))
done
printf 'stale %s\\nunknown %s\\nend\\n' "$stale" "$unknown"`;
