import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Joins the host's cgroups (directories given as arguments up to `--`), then execs the rest of its
 * argv (`ip netns exec ... unshare ...`, which makes the host). Joining before `unshare --cgroup`
 * is what roots the host's cgroup namespace at its own cgroups.
 */
const OUTER = `#!/bin/sh
# hostroot lab: join a test host's cgroups, then exec the command after "--".
set -eu
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  echo "$$" > "$1/cgroup.procs"
  shift
done
shift
exec "$@"
`;

/**
 * PID 1 of a test host, in fresh mount, UTS, IPC, PID and cgroup namespaces. It builds the host's
 * root (overlay of the shared base, proc, sysfs, cgroups, a private /dev, tmpfs /run and /tmp, the
 * host's LXC dir, the lab repository read-only), pivot_roots into it (chroot would let lxc-attach
 * escape to the real root) and execs sshd. All variable parts are arguments, never spliced text.
 */
const INNER = `#!/bin/sh
# hostroot lab: build a test host's root and exec its sshd.
# Arguments: ROOT BASE UPPER WORK HOSTNAME LXCDIR REPODIR [CGROUPDIR=OPTIONS...]
set -eu
root=$1 base=$2 upper=$3 work=$4 name=$5 lxcdir=$6 repo=$7
shift 7
hostname "$name"
# BASE "-": UPPER is a whole root of its own (a copy), bound as is.
if [ "$base" = - ]; then
  mount --bind "$upper" "$root"
else
  mount -t overlay overlay -o "lowerdir=$base,upperdir=$upper,workdir=$work" "$root"
fi
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
cg=$root/sys/fs/cgroup
tmpfs_done=no
for spec in "$@"; do
  dir=\${spec%%=*}
  opts=\${spec#*=}
  if [ "$dir" = "." ]; then
    mount -t cgroup2 cgroup2 "$cg"
    continue
  fi
  if [ "$tmpfs_done" = no ]; then
    mount -t tmpfs -o mode=755 cgroup "$cg"
    tmpfs_done=yes
  fi
  mkdir -p "$cg/$dir"
  if [ "$opts" = cgroup2 ]; then
    mount -t cgroup2 cgroup2 "$cg/$dir"
  else
    mount -t cgroup -o "$opts" cgroup "$cg/$dir"
  fi
done
dev=$root/dev
mount -t tmpfs -o mode=755 dev "$dev"
mknod -m 666 "$dev/null" c 1 3
mknod -m 666 "$dev/zero" c 1 5
mknod -m 666 "$dev/full" c 1 7
mknod -m 666 "$dev/random" c 1 8
mknod -m 666 "$dev/urandom" c 1 9
mknod -m 666 "$dev/tty" c 5 0
mkdir -m 755 "$dev/pts"
mkdir -m 1777 "$dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$dev/pts"
mount -t tmpfs -o mode=1777 shm "$dev/shm"
ln -s pts/ptmx "$dev/ptmx"
ln -s /proc/self/fd "$dev/fd"
ln -s /proc/self/fd/0 "$dev/stdin"
ln -s /proc/self/fd/1 "$dev/stdout"
ln -s /proc/self/fd/2 "$dev/stderr"
mount -t tmpfs -o mode=755 run "$root/run"
mkdir -m 755 "$root/run/sshd" "$root/run/lock"
mount -t tmpfs -o mode=1777 tmp "$root/tmp"
mount --bind "$lxcdir" "$root/var/lib/lxc"
mount --bind "$repo" "$root/srv/hostroot-lab-repo"
mount -o remount,bind,ro "$root/srv/hostroot-lab-repo"
cd "$root"
pivot_root . .
umount -l .
cd /
exec /usr/sbin/sshd -D -e
`;

/** Writes the two fixed scripts into `binDir` and returns their paths. */
export function writeHostScripts(binDir: string): { outer: string; inner: string } {
  mkdirSync(binDir, { recursive: true });
  const outer = join(binDir, "join-cgroups.sh");
  const inner = join(binDir, "host-init.sh");
  writeFileSync(outer, OUTER);
  writeFileSync(inner, INNER);
  chmodSync(outer, 0o755);
  chmodSync(inner, 0o755);
  return { outer, inner };
}
