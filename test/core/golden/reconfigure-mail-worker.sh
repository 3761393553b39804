set -u
umask 022
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
printf '%s\n' '::hostroot-step mail-worker.keep begin -'
( sh -c 'for f in "$1" "$2"; do
  if [ -f "$f" ] && [ ! -L "$f" ]; then cp -p -- "$f" "$f.hostroot-prev" || exit 1; fi
done' hostroot-keep /var/lib/lxc/mail-worker/config /var/lib/lxc/mail-worker/hostroot.json ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.keep failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.keep ok 0'
printf '%s\n' '::hostroot-step mail-worker.stop begin -'
( sh -c 'n=$1
p=$2
shift 2
s=$(lxc-info -n "$n" -P "$p" -s -H 2>/dev/null) || s=
case $s in
STOPPED) exit 0 ;;
"") if [ ! -e "$p/$n/config" ]; then exit 0; fi ;;
esac
exec lxc-stop -n "$n" -P "$p" "$@"' hostroot-stop mail-worker /var/lib/lxc ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.stop failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.stop ok 0'
printf '%s\n' '::hostroot-step mail-worker.delta begin -'
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
if [ "$#" -ne 0 ]; then fail "stray argument: $1"; fi' hostroot-delta /var/lib/lxc/mail-worker/delta0 0 100000 65536 whiteout /etc/shadow whiteout /etc/gshadow whiteout /etc/shadow- whiteout /etc/gshadow- whiteout /etc/ssh/ssh_host_rsa_key whiteout /etc/ssh/ssh_host_ecdsa_key whiteout /etc/ssh/ssh_host_ed25519_key whiteout /etc/ssh/ssh_host_dsa_key whiteout /etc/security/opasswd whiteout /var/cache/debconf/passwords.dat whiteout /var/lib/systemd/credential.secret whiteout /etc/ppp/chap-secrets whiteout /etc/ppp/pap-secrets whiteout /etc/ipsec.secrets whiteout /etc/krb5.keytab whiteout /etc/hostroot/registry-token opaque /root opaque /home opaque /tmp opaque /var/tmp opaque /var/log opaque /var/lib/lxc opaque /etc/ssl/private opaque /etc/letsencrypt opaque /var/spool/cron/crontabs opaque /var/spool/cron/atjobs opaque /etc/wireguard opaque /etc/NetworkManager/system-connections opaque /srv/private file /etc/hostname 'mail-worker
' null-link /etc/systemd/system/lxc.service null-link /etc/systemd/system/lxc-net.service null-link /etc/systemd/system/lxc-monitord.service null-link /etc/systemd/system/lxcfs.service ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.delta failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.delta ok 0'
printf '%s\n' '::hostroot-step mail-worker.config begin -'
printf '%s' IyBNYW5hZ2VkIGJ5IGhvc3Ryb290OiBjb250YWluZXIgbWFpbC13b3JrZXIsIHJlcGxpY2EgMC4g RWRpdHMgYXJlIG92ZXJ3cml0dGVuLgpseGMuaW5jbHVkZSA9IC91c3Ivc2hhcmUvbHhjL2NvbmZp Zy9jb21tb24uY29uZgpseGMudHR5LmRpciA9Cmx4Yy5ob29rLnBvc3Qtc3RvcCA9Cmx4Yy51dHMu bmFtZSA9IG1haWwtd29ya2VyCmx4Yy5yb290ZnMucGF0aCA9IG92ZXJsYXlmczovdmFyL2xpYi9s eGMvaG9zdC9yb290ZnM6L3Zhci9saWIvbHhjL21haWwtd29ya2VyL2RlbHRhMApseGMubmV0LjAu dHlwZSA9IHZldGgKbHhjLm5ldC4wLmxpbmsgPSBici1qb2JzCmx4Yy5uZXQuMC5mbGFncyA9IHVw Cmx4Yy5uZXQuMC5od2FkZHIgPSAwMDoxNjozZTowYTowYjowYwpseGMuY2dyb3VwMi5tZW1vcnku bWF4ID0gMTA3Mzc0MTgyNApseGMuY2dyb3VwLm1lbW9yeS5saW1pdF9pbl9ieXRlcyA9IDEwNzM3 NDE4MjQKbHhjLmNncm91cDIuY3B1Lm1heCA9IDUwMDAwIDEwMDAwMApseGMuY2dyb3VwLmNwdS5j ZnNfcGVyaW9kX3VzID0gMTAwMDAwCmx4Yy5jZ3JvdXAuY3B1LmNmc19xdW90YV91cyA9IDUwMDAw Cmx4Yy5hcHBhcm1vci5wcm9maWxlID0gbHhjLWNvbnRhaW5lci1kZWZhdWx0LWNnbnMKbHhjLnNp 'Z25hbC5oYWx0ID0gU0lHUlRNSU4rMwo=' | base64 -d | ( sh -c 'install -m 0644 /dev/stdin "$1.hostroot-new" && mv -f -- "$1.hostroot-new" "$1"' hostroot-write /var/lib/lxc/mail-worker/config ) >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.config failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.config ok 0'
printf '%s\n' '::hostroot-step mail-worker.host-root begin -'
( sh -c 'if mountpoint -q "$1"; then
  case ,$(awk -v d="$1" '\''$5 == d { o = $6 } END { print o }'\'' /proc/self/mountinfo), in
  *,ro,*) exit 0 ;;
  esac
  exec mount -o remount,bind,ro "$1"
fi
mkdir -p -- "$1" && mount --bind / "$1" && exec mount -o remount,bind,ro "$1"' hostroot-host-root /var/lib/lxc/host/rootfs ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.host-root failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.host-root ok 0'
printf '%s\n' '::hostroot-step mail-worker.mounts begin -'
( sh -c 'set -f
while IFS= read -r l || [ -n "$l" ]; do
  set -- $l
  [ "$#" -ge 3 ] && [ "$1" = lxc.mount.entry ] && [ "$2" = = ] || continue
  e=$3
  case $e in *'\''\012'\''*) echo "hostroot: refusing a mount source with a newline: $e" >&2; exit 1 ;; esac
  case $e in *'\''\'\''*) s=$(printf '\''%s\n'\'' "$e" | sed '\''s/\\040/ /g; s/\\011/\t/g; s/\\134/\\/g'\'') ;; *) s=$e ;; esac
  r=$(realpath -e -- "$s" 2>/dev/null) || { echo "hostroot: mount source $s does not exist on this host" >&2; exit 1; }
  if [ "$r" != "$s" ]; then echo "hostroot: refusing mount source $s: it goes through a symlink (resolves to $r)" >&2; exit 1; fi
done <"$1"' hostroot-mount-sources /var/lib/lxc/mail-worker/config ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.mounts failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.mounts ok 0'
printf '%s\n' '::hostroot-step mail-worker.start begin -'
( lxc-start -n mail-worker -P /var/lib/lxc -d ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.start failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.start ok 0'
printf '%s\n' '::hostroot-step mail-worker.npm begin -'
( lxc-attach -n mail-worker -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -- npm install --global --no-fund --no-audit --no-update-notifier mail-worker@2.4.1 pm2@5.3.1 ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.npm failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.npm ok 0'
printf '%s\n' '::hostroot-step mail-worker.service begin -'
( lxc-attach -n mail-worker -P /var/lib/lxc --clear-env -v 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -v 'HOME=/root' -v 'LANG=C.UTF-8' -v 'NODE_ENV=production' -v 'WORKER_GREETING=it'\''s $HOME `not` expanded' -- /bin/sh -c 'cd "$1" || exit 1
log=$2
user=$3
shift 3
if [ -n "$user" ]; then set -- runuser -u "$user" -- "$@"; fi
exec setsid -f "$@" </dev/null >>"$log" 2>&1' hostroot-service / /var/log/hostroot-service.log '' /usr/bin/node /usr/local/lib/node_modules/mail-worker/bin/worker.js --queue 'outgoing mail' ) </dev/null >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.service failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.service ok 0'
printf '%s\n' '::hostroot-step mail-worker.state begin -'
printf '%s' eyJuYW1lIjoibWFpbC13b3JrZXIiLCJkZWZpbml0aW9uSGFzaCI6Ijg0NTA0MDQ3YzM4YWI0MWYz NzQ3MjQ0ZmQwYzUzYTNkMzJjZTNhZjM3YmY2OWNjMmQ0Mjg5YTM2YmUyNzg4ODYiLCJjb21taXQi OiI0YjgyNWRjNjQyY2I2ZWI5YTA2MGU1NGJmOGQ2OTI4OGZiZWU0OTA0IiwiZGVwbG95ZWRBdCI6 IjIwMjUtMDYtMDFUMTI6MDA6MDBaIiwicmVwbGljYSI6MCwiZmllbGRIYXNoZXMiOnsiYXBpVmVy c2lvbiI6IjVhN2ZhNmQyYTQ2ZDcwOWIiLCJuYW1lIjoiZDQ0YTEwYTNjM2YxOTkxMCIsInBsYXRm b3JtIjoiZDUwNTE2YzZmNmMwMmRiYiIsImhpZGUiOiI0ZjUzY2RhMThjMmJhYTBjIiwibW91bnRz IjoiNGY1M2NkYTE4YzJiYWEwYyIsIm5ldHdvcmsiOiJiNTUwMGQ5Zjg3MWRjZjJmIiwicGFja2Fn ZXMiOiI0MzJlMTdjMGNmY2FjMTU1Iiwic2V0dXAiOiI0ZjUzY2RhMThjMmJhYTBjIiwic2Vydmlj ZSI6IjFjM2U1OWYyMGY5NGZhMzIiLCJyZXNvdXJjZXMiOiIwYmU3ZDdkYzAwYTU1ZjViIiwibWFz a3MiOiIzOGJlOGI1ZmY0ZjllMTFlIn0sIm93bmVyIjp7ImlkIjoiZ2l0aHViOjEyOTYyNjkiLCJu 'YW1lIjoiYWNtZS9jb250YWluZXJzIn19Cg==' | base64 -d | ( sh -c 'install -m 0644 /dev/stdin "$1.hostroot-new" && mv -f -- "$1.hostroot-new" "$1"' hostroot-write /var/lib/lxc/mail-worker/hostroot.json ) >&2
hostroot_rc=$?
if [ "$hostroot_rc" -ne 0 ]; then printf '%s %s\n' '::hostroot-step mail-worker.state failed' "$hostroot_rc"; exit "$hostroot_rc"; fi
printf '%s\n' '::hostroot-step mail-worker.state ok 0'
printf '%s\n' ::hostroot-done
