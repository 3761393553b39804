set -u
hostroot_lock=/run/hostroot.lock
hostroot_holder=/run/hostroot.lock.holder
exec 9>>"$hostroot_lock" || exit 75
if ! flock -n 9; then
  hostroot_i=0
  while [ ! -s "$hostroot_holder" ] && [ "$hostroot_i" -lt 20 ]; do sleep 0.05; hostroot_i=$((hostroot_i + 1)); done
  printf '%s %s\n' '::hostroot-lock waiting' "$(tr -d '\000-\037' 2>/dev/null <"$hostroot_holder")"
  if ! flock -w 600 9; then
    printf '%s %s\n' '::hostroot-lock timeout' "$(tr -d '\000-\037' 2>/dev/null <"$hostroot_holder")"
    exit 75
  fi
fi
printf '{"holder":%s,"pid":%s,"since":"%s"}\n' '"restart status-page by @ops-alice (acme/containers#42)"' "$$" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$hostroot_holder"
printf '%s\n' '::hostroot-lock acquired'
(
exec 9>&-
set -u
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
printf '%s\n' '::hostroot-step status-page.stop begin -'
( sh -c 'n=$1
p=$2
shift 2
s=$(lxc-info -n "$n" -P "$p" -s -H 2>/dev/null) || s=
case $s in
STOPPED) exit 0 ;;
"") if [ ! -e "$p/$n/config" ]; then exit 0; fi ;;
esac
exec lxc-stop -n "$n" -P "$p" "$@"' hostroot-stop status-page /var/lib/lxc ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step status-page.stop failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step status-page.stop ok 0'
printf '%s\n' '::hostroot-step status-page.host-root begin -'
( sh -c 'if mountpoint -q "$1"; then
  case ,$(awk -v d="$1" '\''$5 == d { o = $6 } END { print o }'\'' /proc/self/mountinfo), in
  *,ro,*) exit 0 ;;
  esac
  exec mount -o remount,bind,ro "$1"
fi
mkdir -p -- "$1" && mount --bind / "$1" && exec mount -o remount,bind,ro "$1"' hostroot-host-root /var/lib/lxc/host/rootfs ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step status-page.host-root failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step status-page.host-root ok 0'
printf '%s\n' '::hostroot-step status-page.mounts begin -'
( sh -c 'set -f
while IFS= read -r l || [ -n "$l" ]; do
  set -- $l
  [ "$#" -ge 3 ] && [ "$1" = lxc.mount.entry ] && [ "$2" = = ] || continue
  e=$3
  case $e in *'\''\012'\''*) echo "hostroot: refusing a mount source with a newline: $e" >&2; exit 1 ;; esac
  case $e in *'\''\'\''*) s=$(printf '\''%s\n'\'' "$e" | sed '\''s/\\040/ /g; s/\\011/\t/g; s/\\134/\\/g'\'') ;; *) s=$e ;; esac
  r=$(realpath -e -- "$s" 2>/dev/null) || { echo "hostroot: mount source $s does not exist on this host" >&2; exit 1; }
  if [ "$r" != "$s" ]; then echo "hostroot: refusing mount source $s: it goes through a symlink (resolves to $r)" >&2; exit 1; fi
done <"$1"' hostroot-mount-sources /var/lib/lxc/status-page/config ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step status-page.mounts failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step status-page.mounts ok 0'
printf '%s\n' '::hostroot-step status-page.start begin -'
( lxc-start -n status-page -P /var/lib/lxc -d ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step status-page.start failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step status-page.start ok 0'
printf '%s\n' '::hostroot-step status-page.service begin -'
( lxc-attach -n status-page -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -- /bin/sh -c 'cd "$1" || exit 1
log=$2
user=$3
shift 3
if [ -n "$user" ]; then set -- runuser -u "$user" -- "$@"; fi
exec setsid -f "$@" </dev/null >>"$log" 2>&1' hostroot-service / /var/log/hostroot-service.log status puma --port 9292 '/srv/status page/public/config.ru' ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step status-page.service failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step status-page.service ok 0'
printf '%s\n' '::hostroot-step status-page.health begin -'
( sh -c 'tries=$1
pause=$2
shift 2
n=0
while :; do
  "$@" && exit 0
  rc=$?
  n=$((n + 1))
  if [ "$n" -gt "$tries" ]; then exit "$rc"; fi
  sleep "$pause"
done' hostroot-retry 10 0.5 lxc-attach -n status-page -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -- timeout -k 2 3 curl -fsS http://127.0.0.1:9292/ ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step status-page.health failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step status-page.health ok 0'
printf '%s\n' ::hostroot-done
)
hostroot_rc=$?
rm -f -- "$hostroot_holder"
exit "$hostroot_rc"
