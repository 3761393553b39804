set -u
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
printf '%s\n' '::hostroot-step old-app.stop begin -'
( sh -c 'n=$1
p=$2
shift 2
s=$(lxc-info -n "$n" -P "$p" -s -H 2>/dev/null) || s=
case $s in
STOPPED) exit 0 ;;
"") if [ ! -e "$p/$n/config" ]; then exit 0; fi ;;
esac
exec lxc-stop -n "$n" -P "$p" "$@"' hostroot-stop old-app /srv/lxc -k ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step old-app.stop failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step old-app.stop ok 0'
printf '%s\n' '::hostroot-step old-app.remove begin -'
( sh -c 'd=$1
if [ "$d" = "$2" ]; then echo "hostroot: refusing to remove $d" >&2; exit 1; fi
if [ ! -e "$d" ] && [ ! -L "$d" ]; then exit 0; fi
if [ -L "$d" ] || [ ! -d "$d" ]; then echo "hostroot: not a real directory: $d" >&2; exit 1; fi
if awk -v d="$d" '\''$5 == d || index($5, d "/") == 1 { m = 1 } END { exit !m }'\'' /proc/self/mountinfo; then
  echo "hostroot: refusing to remove $d: something is mounted at or below it" >&2; exit 1
fi
exec rm -rf --one-file-system -- "$d"' hostroot-remove /srv/lxc/old-app /srv/lxc/host ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step old-app.remove failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step old-app.remove ok 0'
printf '%s\n' ::hostroot-done
