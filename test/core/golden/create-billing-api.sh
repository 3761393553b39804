set -u
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
printf '%s\n' '::hostroot-step billing-api.dir begin -'
( sh -c 'mkdir -m 0755 -- "$1" && : >"$1/hostroot.creating"' hostroot-mkdir /var/lib/lxc/billing-api ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.dir failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.dir ok 0'
printf '%s\n' '::hostroot-step billing-api.mkdir begin -'
( mkdir -m 0755 -- /var/lib/lxc/billing-api/delta0 ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.mkdir failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.mkdir ok 0'
printf '%s\n' '::hostroot-step billing-api.delta begin -'
( sh -c 'umask 022
d=$1
off=$2
other=$3
count=$4
shift 4
fail() { printf '\''hostroot: %s\n'\'' "$*" >&2; exit 1; }
# Gives what hostroot wrote to container root (a no-op for a privileged container: root wrote it).
owned() { [ "$off" -eq 0 ] || chown -h -- "$off:$off" "$1"; }
mkpath() {
  cur=$d
  rest=${1#/}
  while [ -n "$rest" ]; do
    c=${rest%%/*}
    case $rest in */*) rest=${rest#*/} ;; *) rest= ;; esac
    cur=$cur/$c
    if [ -L "$cur" ]; then fail "refusing a symlink in the delta: $cur"; fi
    if [ ! -d "$cur" ]; then
      mkdir -- "$cur" || exit 1
      ref=${cur#"$d"}
      if [ -d "$ref" ]; then
        if [ "$off" -eq 0 ]; then
          chown --reference="$ref" -- "$cur" || exit 1
        else
          set -- $(stat -c '\''%u %g'\'' -- "$ref") && chown -- "$(($1 + off)):$(($2 + off))" "$cur" || exit 1
        fi
        chmod --reference="$ref" -- "$cur" || exit 1
      elif [ "$off" -ne 0 ]; then
        chown -- "$off:$off" "$cur" || exit 1
      fi
    fi
  done
}
if [ -L "$d" ] || [ ! -d "$d" ]; then fail "not a directory: $d"; fi
was=$(stat -c %u -- "$d") || exit 1
if [ "$was" = "$other" ] && [ "$other" != "$off" ]; then
  find "$d" -xdev -exec sh -c '\''from=$1 to=$2 n=$3
shift 3
for f; do
  s=$(stat -c "%u %g %a" -- "$f") || exit 1
  u=${s%% *} r=${s#* } g=${r%% *} m=${r#* }
  if [ "$u" -ge "$from" ] && [ "$u" -lt $((from + n)) ]; then u=$((u - from + to)); fi
  if [ "$g" -ge "$from" ] && [ "$g" -lt $((from + n)) ]; then g=$((g - from + to)); fi
  chown -h -- "$u:$g" "$f" || exit 1
  if [ ! -L "$f" ]; then chmod -- "$m" "$f" || exit 1; fi
done'\'' hostroot-shift "$was" "$off" "$count" {} + || fail "could not move the delta'\''s owners from $was to $off"
fi
while [ "$#" -ge 2 ]; do
  op=$1
  p=$2
  shift 2
  case $op in
  whiteout) mkpath "${p%/*}"; rm -f -- "$d$p" && mknod -- "$d$p" c 0 0 || exit 1 ;;
  opaque) mkpath "$p"; setfattr -h -n trusted.overlay.opaque -v y -- "$d$p" || exit 1 ;;
  null-link) mkpath "${p%/*}"; rm -f -- "$d$p" && ln -s /dev/null "$d$p" && owned "$d$p" || exit 1 ;;
  file) mkpath "${p%/*}"; rm -f -- "$d$p" && printf '\''%s'\'' "$1" >"$d$p" && owned "$d$p" || exit 1; shift ;;
  *) fail "unknown operation: $op" ;;
  esac
done
if [ "$#" -ne 0 ]; then fail "stray argument: $1"; fi' hostroot-delta /var/lib/lxc/billing-api/delta0 0 100000 65536 whiteout /etc/shadow whiteout /etc/gshadow whiteout /etc/shadow- whiteout /etc/gshadow- whiteout /etc/ssh/ssh_host_rsa_key whiteout /etc/ssh/ssh_host_ecdsa_key whiteout /etc/ssh/ssh_host_ed25519_key whiteout /etc/ssh/ssh_host_dsa_key whiteout /etc/security/opasswd whiteout /var/cache/debconf/passwords.dat whiteout /var/lib/systemd/credential.secret whiteout /etc/ppp/chap-secrets whiteout /etc/ppp/pap-secrets whiteout /etc/ipsec.secrets whiteout /etc/krb5.keytab whiteout /etc/hostroot/registry-token opaque /root opaque /home opaque /tmp opaque /var/tmp opaque /var/log opaque /var/lib/lxc opaque /etc/ssl/private opaque /etc/letsencrypt opaque /var/spool/cron/crontabs opaque /var/spool/cron/atjobs opaque /etc/wireguard opaque /etc/NetworkManager/system-connections opaque /srv/private opaque /srv/legacy file /etc/hostname 'billing-api
' ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.delta failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.delta ok 0'
printf '%s\n' '::hostroot-step billing-api.config begin -'
printf '%s' IyBNYW5hZ2VkIGJ5IGhvc3Ryb290OiBjb250YWluZXIgYmlsbGluZy1hcGksIHJlcGxpY2EgMC4g RWRpdHMgYXJlIG92ZXJ3cml0dGVuLgpseGMuaW5jbHVkZSA9IC91c3Ivc2hhcmUvbHhjL2NvbmZp Zy9jb21tb24uY29uZgpseGMudHR5LmRpciA9Cmx4Yy5ob29rLnBvc3Qtc3RvcCA9Cmx4Yy51dHMu bmFtZSA9IGJpbGxpbmctYXBpCmx4Yy5yb290ZnMucGF0aCA9IG92ZXJsYXlmczovdmFyL2xpYi9s eGMvaG9zdC9yb290ZnM6L3Zhci9saWIvbHhjL2JpbGxpbmctYXBpL2RlbHRhMApseGMubmV0LjAu dHlwZSA9IHZldGgKbHhjLm5ldC4wLmxpbmsgPSBseGNicjAKbHhjLm5ldC4wLmZsYWdzID0gdXAK bHhjLm5ldC4wLmh3YWRkciA9IDIyOjk3OmNlOjllOjk4OmI1Cmx4Yy5tb3VudC5lbnRyeSA9IC9z cnYvYmlsbGluZyBzcnYvYmlsbGluZyBub25lIGJpbmQscm8sY3JlYXRlPWRpciAwIDAKbHhjLm1v dW50LmVudHJ5ID0gL3Nydi9iaWxsaW5nLXVwbG9hZHMgdmFyL2xpYi9iaWxsaW5nL3VwbG9hZHMg bm9uZSBiaW5kLGNyZWF0ZT1kaXIgMCAwCmx4Yy5jZ3JvdXAyLm1lbW9yeS5tYXggPSA1MzY4NzA5 MTIKbHhjLmNncm91cC5tZW1vcnkubGltaXRfaW5fYnl0ZXMgPSA1MzY4NzA5MTIKbHhjLmNncm91 cDIuY3B1Lm1heCA9IDE1MDAwMCAxMDAwMDAKbHhjLmNncm91cC5jcHUuY2ZzX3BlcmlvZF91cyA9 IDEwMDAwMApseGMuY2dyb3VwLmNwdS5jZnNfcXVvdGFfdXMgPSAxNTAwMDAKbHhjLmNncm91cDIu cGlkcy5tYXggPSA1MTIKbHhjLmNncm91cC5waWRzLm1heCA9IDUxMgpseGMuYXBwYXJtb3IucHJv ZmlsZSA9IGx4Yy1jb250YWluZXItZGVmYXVsdC1jZ25zCmx4Yy5pbml0LmNtZCA9IC9iaW4vc2xl 'ZXAgaW5maW5pdHkKbHhjLnNpZ25hbC5oYWx0ID0gU0lHS0lMTAo=' | base64 -d | ( sh -c 'install -m 0644 /dev/stdin "$1.hostroot-new" && mv -f -- "$1.hostroot-new" "$1"' hostroot-write /var/lib/lxc/billing-api/config ) >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.config failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.config ok 0'
printf '%s\n' '::hostroot-step billing-api.host-root begin -'
( sh -c 'if mountpoint -q "$1"; then
  case ,$(awk -v d="$1" '\''$5 == d { o = $6 } END { print o }'\'' /proc/self/mountinfo), in
  *,ro,*) exit 0 ;;
  esac
  exec mount -o remount,bind,ro "$1"
fi
mkdir -p -- "$1" && mount --bind / "$1" && exec mount -o remount,bind,ro "$1"' hostroot-host-root /var/lib/lxc/host/rootfs ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.host-root failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.host-root ok 0'
printf '%s\n' '::hostroot-step billing-api.mounts begin -'
( sh -c 'set -f
while IFS= read -r l || [ -n "$l" ]; do
  set -- $l
  [ "$#" -ge 3 ] && [ "$1" = lxc.mount.entry ] && [ "$2" = = ] || continue
  e=$3
  case $e in *'\''\012'\''*) echo "hostroot: refusing a mount source with a newline: $e" >&2; exit 1 ;; esac
  case $e in *'\''\'\''*) s=$(printf '\''%s\n'\'' "$e" | sed '\''s/\\040/ /g; s/\\011/\t/g; s/\\134/\\/g'\'') ;; *) s=$e ;; esac
  r=$(realpath -e -- "$s" 2>/dev/null) || { echo "hostroot: mount source $s does not exist on this host" >&2; exit 1; }
  if [ "$r" != "$s" ]; then echo "hostroot: refusing mount source $s: it goes through a symlink (resolves to $r)" >&2; exit 1; fi
done <"$1"' hostroot-mount-sources /var/lib/lxc/billing-api/config ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.mounts failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.mounts ok 0'
printf '%s\n' '::hostroot-step billing-api.start begin -'
( lxc-start -n billing-api -P /var/lib/lxc -d ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.start failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.start ok 0'
printf '%s\n' '::hostroot-step billing-api.setup.1 begin -'
( lxc-attach -n billing-api -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -- useradd --system --home-dir /srv/billing app ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.setup.1 failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.setup.1 ok 0'
printf '%s\n' '::hostroot-step billing-api.setup.2 begin -'
( lxc-attach -n billing-api -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -- mkdir -p /var/lib/billing/uploads ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.setup.2 failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.setup.2 ok 0'
printf '%s\n' '::hostroot-step billing-api.pip begin -'
( lxc-attach -n billing-api -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -v 'PIP_BREAK_SYSTEM_PACKAGES=1' -- python3 -m pip install --no-cache-dir --no-input --disable-pip-version-check 'flask==3.0.3' 'gunicorn==22.0.0' ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.pip failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.pip ok 0'
printf '%s\n' '::hostroot-step billing-api.service begin -'
( lxc-attach -n billing-api -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -v 'BILLING_ENV=production' -v 'DATABASE_URL=postgres://billing@db.internal/billing?sslmode=require' -- /bin/sh -c 'cd "$1" || exit 1
log=$2
user=$3
shift 3
if [ -n "$user" ]; then set -- runuser -u "$user" -- "$@"; fi
exec setsid -f "$@" </dev/null >>"$log" 2>&1' hostroot-service /srv/billing /var/log/hostroot-service.log app /usr/local/bin/gunicorn --bind 0.0.0.0:8080 billing.wsgi:app ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.service failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.service ok 0'
printf '%s\n' '::hostroot-step billing-api.health begin -'
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
done' hostroot-retry 3 1 lxc-attach -n billing-api -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -- timeout -k 2 5 curl -fsS http://127.0.0.1:8080/healthz ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.health failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.health ok 0'
printf '%s\n' '::hostroot-step billing-api.state begin -'
printf '%s' eyJuYW1lIjoiYmlsbGluZy1hcGkiLCJkZWZpbml0aW9uSGFzaCI6IjA1YWIwNDEyYmY0N2Q4NTI2 ODFmYTQ0MzFlNzk2NDcxMjgyODdiZGRlN2UwY2U3ZWI4MjM3NjBlOGE2OGM3Y2UiLCJjb21taXQi OiI0YjgyNWRjNjQyY2I2ZWI5YTA2MGU1NGJmOGQ2OTI4OGZiZWU0OTA0IiwiZGVwbG95ZWRBdCI6 IjIwMjUtMDYtMDFUMTI6MDA6MDBaIiwicmVwbGljYSI6MCwiZmllbGRIYXNoZXMiOnsiYXBpVmVy c2lvbiI6IjVhN2ZhNmQyYTQ2ZDcwOWIiLCJuYW1lIjoiZDEyZGRiYjYzMGNmMmMzMSIsInBsYXRm b3JtIjoiZDUwNTE2YzZmNmMwMmRiYiIsImhpZGUiOiJmZDVmM2RjYmNmOWZhNGM2IiwibW91bnRz IjoiMzBjOTMzODVhM2Q1OTcxZSIsIm5ldHdvcmsiOiJlZDNhZTEyZWNmMDRmYzIxIiwicGFja2Fn ZXMiOiI3OGE2NDhiMmJlMjYxNDY2Iiwic2V0dXAiOiJkOGE3NzFjMGU0MTE4M2U1Iiwic2Vydmlj ZSI6IjNmNDAxNTk1ZWFhNTZhNTEiLCJoZWFsdGgiOiI0YzFlZmZiYmIyOWI5ZWQyIiwicmVzb3Vy Y2VzIjoiMzdiMGRlMjJhOTMwOWFhOSIsIm1hc2tzIjoiMzhiZThiNWZmNGY5ZTExZSJ9LCJvd25l 'ciI6eyJpZCI6ImdpdGh1YjoxMjk2MjY5IiwibmFtZSI6ImFjbWUvY29udGFpbmVycyJ9fQo=' | base64 -d | ( sh -c 'install -m 0644 /dev/stdin "$1.hostroot-new" && mv -f -- "$1.hostroot-new" "$1"' hostroot-write /var/lib/lxc/billing-api/hostroot.json ) >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step billing-api.state failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step billing-api.state ok 0'
printf '%s\n' ::hostroot-done
