import { assertLxcPath } from "./containerPaths.js";
import { UNPRIVILEGED_IDS } from "./unprivileged.js";

/**
 * Makes an idmapped, read-only, non-recursive bind of `/` at a target: open_tree(OPEN_TREE_CLONE),
 * mount_setattr(MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY) with a user namespace holding the map, then
 * move_mount. Debian 12's util-linux (2.38) has no `X-mount.idmap` (2.39) and hosts have no
 * compiler, but perl-base is Essential on every Debian and Ubuntu host and its `syscall` reaches
 * these calls (their numbers, 424 and up, are the same on every architecture). The user namespace
 * is made by a forked child that unshares and waits; the parent, root in the host's namespace,
 * writes its maps and opens it. Arguments: SOURCE TARGET HOSTID COUNT.
 */
const IDMAP_BIND_PERL = String.raw`use strict;
my ($src, $dst, $base, $count) = @ARGV;
pipe(my $r1, my $w1) or die "pipe: $!\n"; pipe(my $r2, my $w2) or die "pipe: $!\n";
my $pid = fork() // die "fork: $!\n";
if ($pid == 0) {
  close $r1; close $w2;
  syscall(272, 0x10000000) == 0 or exit 1;
  syswrite $w1, "u"; close $w1;
  sysread $r2, my $x, 1; exit 0;
}
close $w1; close $r2;
sysread($r1, my $ok, 1) == 1 or die "no user namespace (unshare(CLONE_NEWUSER) failed)\n";
for my $f ("uid_map", "gid_map") {
  open my $m, ">", "/proc/$pid/$f" or die "$f: $!\n"; print $m "0 $base $count\n"; close $m or die "$f: $!\n";
}
open my $ns, "<", "/proc/$pid/ns/user" or die "user namespace: $!\n";
close $w2; waitpid $pid, 0;
my ($s, $e1, $e2, $d) = ("$src", "", "", "$dst");
my $fd = syscall(428, -100, $s, 1 | 0x80000);
$fd >= 0 or die "open_tree $src: $!\n";
my $attr = pack("QQQQ", 0x00100000 | 1, 0, 0, fileno($ns));
syscall(442, $fd, $e1, 0x1000, $attr, length $attr) == 0
  or die "mount_setattr(MOUNT_ATTR_IDMAP) on $src: $! (the kernel or the root filesystem does not support idmapped mounts)\n";
syscall(429, $fd, $e2, -100, $d, 4) == 0 or die "move_mount $dst: $!\n";
`;

/**
 * The host-side hook LXC runs for every unprivileged container (`lxc.hook.pre-start` and
 * `lxc.hook.post-stop`), whoever starts it: a deploy, a restart, an upgrade, an operator's
 * lxc-start. LXC's own overlayfs driver refuses an idmapped lower, so the hook mounts the
 * container's root itself, in the host's mount namespace, before LXC sets the container up:
 * an overlay of the idmapped bind of `/` (shared by all unprivileged containers, made on first
 * use) and the delta, at `<lxcPath>/<name>/rootfs`, which the config names as a `dir:` rootfs.
 * Every start mounts the overlay afresh, so a container sees the host's files as they are now
 * (OverlayFS does not follow a lower layer changed under it). post-stop unmounts it, so a
 * destroy finds nothing mounted in the container's dir. Arguments: LXCPATH HOSTID COUNT, then
 * LXC's NAME SECTION TYPE; `hosts prepare` calls it with NAME `-` and TYPE `idmap` to make the
 * idmapped bind only (which proves the host can).
 */
export const ROOTFS_HOOK = `#!/bin/sh
# Managed by hostroot: mounts an unprivileged container's root filesystem before LXC starts it
# (lxc.hook.pre-start) and unmounts it after it stops (lxc.hook.post-stop). Edits are overwritten.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin
fail() { printf 'hostroot rootfs hook: %s\\n' "$*" >&2; exit 1; }
[ "$#" -ge 6 ] || fail "usage: LXCPATH HOSTID COUNT NAME SECTION TYPE"
lxc=$1 hostid=$2 count=$3 name=$4 type=$6
case $lxc in /*) ;; *) fail "not an absolute lxcPath: $lxc" ;; esac
# Overlay options are split on "," and ":": only plain path characters may reach them.
case $lxc in *[!A-Za-z0-9/._+-]*) fail "lxcPath has a character overlay options cannot hold: $lxc" ;; esac
case $hostid:$count in *[!0-9:]* | :* | *:) fail "not an id range: $hostid $count" ;; esac
lower=$lxc/host/idmap-$hostid-$count
idmapped() { awk -v d="$lower" '$5 == d && $6 ~ /(^|,)ro(,|$)/ && $6 ~ /(^|,)idmapped(,|$)/ { m = 1 } END { exit !m }' /proc/self/mountinfo; }
# Sets made=yes when it mounted the bind; every failure exits (set -e does not reach into a
# function called from a condition, so each command says so itself).
made=no
ensure_lower() {
  if mountpoint -q "$lower"; then
    idmapped || fail "$lower is mounted but is not a read-only idmapped mount"
    return 0
  fi
  mkdir -p -- "$lower" || fail "cannot create $lower"
  perl -e "$IDMAP_BIND" / "$lower" "$hostid" "$count" || fail "could not make the idmapped bind of / at $lower"
  idmapped || fail "$lower is not a read-only idmapped mount after mounting it"
  made=yes
}
IDMAP_BIND=$(cat <<'HOSTROOT_PERL'
${IDMAP_BIND_PERL}HOSTROOT_PERL
)
if [ "$type" = idmap ]; then
  ensure_lower
  if [ "$made" = yes ]; then echo "made the idmapped bind of / at $lower"; else echo "$lower is an idmapped bind of /"; fi
  exit 0
fi
case $name in '' | *[!a-z0-9-]*) fail "not a container name: $name" ;; esac
dir=$lxc/$name
[ "\${LXC_CONFIG_FILE:-}" = "$dir/config" ] || fail "LXC_CONFIG_FILE is not $dir/config"
root=$dir/rootfs
work=$dir/olwork
case $type in
pre-start)
  ensure_lower
  [ ! -L "$dir/delta0" ] && [ -d "$dir/delta0" ] || fail "not a directory: $dir/delta0"
  if mountpoint -q "$root"; then umount -- "$root"; fi
  for p in "$root" "$work"; do [ ! -L "$p" ] || fail "refusing a symlink: $p"; done
  mkdir -p -- "$root" "$work"
  mount -t overlay overlay -o "lowerdir=$lower,upperdir=$dir/delta0,workdir=$work" "$root"
  ;;
post-stop)
  if mountpoint -q "$root"; then umount -- "$root"; fi
  ;;
*) fail "unknown hook type: $type" ;;
esac
`;

/** Where the hook lives on a host: beside the bind of the host root, never inside a container dir. */
export function rootfsHookPath(lxcPath: string): string {
  const root = assertLxcPath(lxcPath);
  return `${root === "/" ? "" : root}/host/hostroot-rootfs-hook`;
}

/** The hook's own arguments as a config value (LXC appends NAME SECTION TYPE). */
export function rootfsHookValue(lxcPath: string): string {
  const root = assertLxcPath(lxcPath);
  return `${rootfsHookPath(root)} ${root} ${UNPRIVILEGED_IDS.hostId} ${UNPRIVILEGED_IDS.count}`;
}

/** Installs {@link ROOTFS_HOOK} (given on stdin) at `path`, mode 0755, by rename: never half-written. */
export function installHookCommand(path: string): string[] {
  const script = `mkdir -p -- "\${1%/*}" && install -m 0755 /dev/stdin "$1.hostroot-new" && mv -f -- "$1.hostroot-new" "$1"`;
  return ["sh", "-c", script, "hostroot-install-hook", path];
}
