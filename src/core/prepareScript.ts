import { assertLxcPath } from "./containerPaths.js";
import type { HostStep } from "./hostSteps.js";
import { HOST_LOCK_DIR } from "./lockedHostScript.js";
import { ROOTFS_HOOK, rootfsHookPath } from "./rootfsHook.js";
import { UNPRIVILEGED_IDS } from "./unprivileged.js";

/** Options for {@link prepareSteps}. */
export interface PrepareOptions {
  lxcPath: string;
  /** Bridges the definitions placed on this host attach to (lxcbr0 unless they say otherwise). */
  bridges: readonly string[];
  /** apt-get install lxc when `lxc-start` is missing; otherwise a missing LXC fails the step. */
  install: boolean;
  /**
   * Some container on this host runs unprivileged: reserve the id range for root in /etc/subuid
   * and /etc/subgid, install the rootfs hook and make the idmapped bind of `/` (which proves the
   * kernel and the root filesystem support it).
   */
  unprivileged?: boolean;
  /**
   * `--unattended`: unattended-upgrades present (installed under `install`), the post-dpkg hook
   * and the apt settings written (each file only when its bytes differ).
   */
  unattended?: { hook: string; hookPath: string; aptConf: string; aptConfPath: string; versionsPath: string };
}

/** Prefix of the line each prepare step prints to say whether it changed something. */
export const PREPARE_MARKER = "::hostroot-prepare";

// Every step prints `::hostroot-prepare <id> changed|unchanged <what>` and is idempotent.
const SAY = `say() { printf '%s %s %s %s\\n' ${PREPARE_MARKER} "$id" "$1" "$2"; }`;

const LXC = `${SAY}
id=$1
if command -v lxc-start >/dev/null 2>&1; then say unchanged "lxc-start is installed"; exit 0; fi
if [ "$2" != yes ]; then
  echo "hostroot: LXC is not installed (no lxc-start); install the lxc package, or run hosts prepare --install" >&2
  exit 1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends lxc </dev/null || exit 1
say changed "installed lxc"`;

/**
 * Binds `/` non-recursively (submounts such as /proc or /var/lib/lxc itself stay out of the
 * lower layer) and makes that mount read-only, so nothing through it can write the host root.
 */
const HOST_ROOT = `${SAY}
id=$1
d=$2
opts() { awk -v d="$d" '$5 == d { o = $6 } END { print o }' /proc/self/mountinfo; }
if mountpoint -q "$d"; then
  case ,$(opts), in
  *,ro,*) say unchanged "/ is bound read-only at $d" ;;
  *) mount -o remount,bind,ro "$d" || exit 1; say changed "made the bind at $d read-only" ;;
  esac
  exit 0
fi
mkdir -p -- "$d" && mount --bind / "$d" && mount -o remount,bind,ro "$d" || exit 1
say changed "bound / read-only at $d"`;

/**
 * An fstab line, which both systemd (through its fstab generator) and sysvinit mount at boot;
 * nofail so a host whose lxcPath is gone still boots. Hosts without an fstab get one.
 */
const FSTAB = `${SAY}
id=$1
d=$2
if [ -f /etc/fstab ] && awk -v d="$d" '$1 !~ /^#/ && $2 == d { f = 1 } END { exit !f }' /etc/fstab; then
  say unchanged "/etc/fstab mounts $d at boot"
  exit 0
fi
printf '# hostroot: the host root, lower layer of every container (bound read-only, not recursive)\\n/ %s none bind,ro,nofail 0 0\\n' "$d" >>/etc/fstab || exit 1
say changed "added $d to /etc/fstab"`;

const BRIDGE = `${SAY}
id=$1
b=$2
if l=$(ip -o link show dev "$b" 2>/dev/null); then
  case $l in
  *[\\<,]UP[,\\>]*) say unchanged "bridge $b is up" ;;
  *) ip link set dev "$b" up || exit 1; say changed "brought bridge $b up" ;;
  esac
  exit 0
fi
ip link add name "$b" type bridge && ip link set dev "$b" up || exit 1
say changed "created bridge $b"`;

const DIR = `${SAY}
id=$1
if [ -d "$2" ]; then say unchanged "$2 exists"; exit 0; fi
mkdir -p -m 0755 -- "$2" || exit 1
say changed "created $2"`;

const UNATTENDED_UPGRADES = `${SAY}
id=$1
if command -v unattended-upgrade >/dev/null 2>&1; then say unchanged "unattended-upgrades is installed"; exit 0; fi
if [ "$2" != yes ]; then
  echo "hostroot: unattended-upgrades is not installed; install it, or run hosts prepare --unattended --install" >&2
  exit 1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends unattended-upgrades </dev/null || exit 1
say changed "installed unattended-upgrades"`;

/**
 * Writes stdin to \$2 with mode \$3 when its bytes differ (via a temp file and a rename); with \$4,
 * also records the installed packages there when it has no list yet: the hook's first run then
 * compares with the host as prepared, not with nothing.
 */
const WRITE = `${SAY}
id=$1
f=$2
mkdir -p -m 0700 -- "\${f%/*}" || exit 1
cat >"$f.hostroot-new" && chmod "$3" "$f.hostroot-new" || exit 1
if [ -f "$f" ] && cmp -s -- "$f.hostroot-new" "$f"; then rm -f -- "$f.hostroot-new"; w=unchanged; m="$f is up to date"
else mv -f -- "$f.hostroot-new" "$f" || exit 1; w=changed; m="wrote $f"; fi
if [ -n "\${4:-}" ] && [ ! -s "$4" ]; then
  dpkg-query -W -f='\${db:Status-Abbrev} \${Package}:\${Architecture} \${Version}\\n' | awk '$1 ~ /^.i/ { print $2, $3 }' | sort >"$4" || exit 1
  w=changed; m="$m; recorded the installed packages in $4"
fi
say "$w" "$m"`;

/**
 * Reserves the unprivileged range for root in /etc/subuid and /etc/subgid: a line for root that
 * covers it is enough; a range given to anyone else that overlaps it, or a host account whose
 * uid or gid falls in it, fails the step (that account would own what container root owns).
 * Nothing is rewritten: a missing line is appended.
 */
const SUBIDS = `${SAY}
id=$1
base=$2
count=$3
end=$((base + count))
if who=$(awk -F: -v b="$base" -v e="$end" '$3 >= b && $3 < e { print $1; exit 1 }' /etc/passwd) &&
  who=$(awk -F: -v b="$base" -v e="$end" '$3 >= b && $3 < e { print $1; exit 1 }' /etc/group); then :; else
  echo "hostroot: host account or group $who has an id in $base-$((end - 1)), the range unprivileged containers' ids map to" >&2
  exit 1
fi
added=
for f in /etc/subuid /etc/subgid; do
  if [ -f "$f" ] && awk -F: -v b="$base" -v e="$end" '$1 == "root" && $2 <= b && $2 + $3 >= e { f = 1 } END { exit !f }' "$f"; then continue; fi
  if [ -f "$f" ]; then
    clash=$(awk -F: -v b="$base" -v e="$end" '$1 !~ /^#/ && NF >= 3 && $2 < e && $2 + $3 > b { printf "%s ", $0 }' "$f")
    if [ -n "$clash" ]; then
      echo "hostroot: $f already gives part of $base-$((end - 1)) to: $clash(unprivileged containers need that range for root)" >&2
      exit 1
    fi
  fi
  printf 'root:%s:%s\n' "$base" "$count" >>"$f" && chmod 0644 "$f" || exit 1
  added="$added $f"
done
if [ -n "$added" ]; then say changed "reserved root:$base:$count in$added"; else say unchanged "root has $base:$count in /etc/subuid and /etc/subgid"; fi`;

/** Installs a file given on stdin (mode 0755) unless it is there with the same bytes. */
const HOOK = `${SAY}
id=$1
f=$2
t=$(mktemp) && cat >"$t" || exit 1
if [ -f "$f" ] && [ ! -L "$f" ] && cmp -s -- "$t" "$f"; then rm -f -- "$t"; say unchanged "$f is current"; exit 0; fi
mkdir -p -- "\${f%/*}" && install -m 0755 -- "$t" "$f.hostroot-new" && mv -f -- "$f.hostroot-new" "$f"
rc=$?
rm -f -- "$t"
[ "$rc" -eq 0 ] || exit 1
say changed "wrote $f"`;

/** Kernel support for user namespaces, then the hook makes (or finds) the idmapped bind of `/`. */
const IDMAP = `${SAY}
id=$1
shift
n=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null) || n=
if [ ! -e /proc/self/ns/user ] || [ "\${n:-0}" -eq 0 ]; then
  echo "hostroot: this kernel has no user namespaces (user.max_user_namespaces is \${n:-missing}); unprivileged containers need them" >&2
  exit 1
fi
out=$("$@" - lxc idmap) || exit 1
case $out in made*) say changed "$out" ;; *) say unchanged "$out" ;; esac`;

/**
 * The idempotent steps that make a host ready for hostroot: LXC present, the host root bound
 * read-only and non-recursively at `<lxcPath>/host/rootfs` and listed in /etc/fstab, each bridge
 * present and up, and the lock directory. Nothing is ever removed.
 */
export function prepareSteps(options: PrepareOptions): HostStep[] {
  const lxcPath = assertLxcPath(options.lxcPath);
  const hostRootfs = `${lxcPath === "/" ? "" : lxcPath}/host/rootfs`;
  const step = (what: string, description: string, script: string, ...args: string[]): HostStep => ({
    id: `prepare.${what}`,
    description,
    argv: ["sh", "-c", script, "hostroot-prepare", `prepare.${what}`, ...args],
  });
  const bridges = [...new Set(options.bridges)].sort();
  for (const b of bridges)
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(b)) throw new Error(`prepareSteps: not an interface name: ${b}`);
  return [
    step("lxc", "LXC installed", LXC, options.install ? "yes" : "no"),
    step("lxc-path", `${lxcPath} exists`, DIR, lxcPath),
    step("host-root", `/ bound read-only at ${hostRootfs}`, HOST_ROOT, hostRootfs),
    step("fstab", `${hostRootfs} mounted at boot`, FSTAB, hostRootfs),
    ...bridges.map((b) => step(`bridge.${b}`, `bridge ${b} present and up`, BRIDGE, b)),
    step("lock-dir", `${HOST_LOCK_DIR} exists`, DIR, HOST_LOCK_DIR),
    ...(options.unprivileged ? unprivilegedSteps(lxcPath, step) : []),
    ...(options.unattended ? unattendedSteps(options.unattended, options.install, step) : []),
  ];
}

function unattendedSteps(
  u: NonNullable<PrepareOptions["unattended"]>,
  install: boolean,
  step: (what: string, description: string, script: string, ...args: string[]) => HostStep,
): HostStep[] {
  return [
    step("unattended-upgrades", "unattended-upgrades installed", UNATTENDED_UPGRADES, install ? "yes" : "no"),
    {
      ...step(
        "unattended-hook",
        `post-dpkg hook at ${u.hookPath}`,
        WRITE,
        u.hookPath,
        "0700",
        u.versionsPath,
      ),
      stdin: u.hook,
    },
    {
      ...step(
        "unattended-apt",
        `unattended-upgrades origins and hook in ${u.aptConfPath}`,
        WRITE,
        u.aptConfPath,
        "0644",
      ),
      stdin: u.aptConf,
    },
  ];
}

/** What each prepare step said it did, by step id: changed (with what) or unchanged. */
export function parsePrepareReport(output: string): Map<string, { changed: boolean; what: string }> {
  const out = new Map<string, { changed: boolean; what: string }>();
  for (const line of output.split("\n")) {
    const f = line.split(" ");
    if (f[0] !== PREPARE_MARKER || f.length < 4) continue;
    const [, id = "", word] = f;
    if (word === "changed" || word === "unchanged")
      out.set(id, { changed: word === "changed", what: f.slice(3).join(" ") });
  }
  return out;
}

/** What an unprivileged container needs on a host: the id range, the hook, the idmapped bind. */
function unprivilegedSteps(
  lxcPath: string,
  step: (what: string, description: string, script: string, ...args: string[]) => HostStep,
): HostStep[] {
  const { hostId, count } = UNPRIVILEGED_IDS;
  const hook = rootfsHookPath(lxcPath);
  const range = `${hostId}-${hostId + count - 1}`;
  return [
    step(
      "subids",
      `ids ${range} reserved for root in /etc/subuid and /etc/subgid`,
      SUBIDS,
      String(hostId),
      String(count),
    ),
    { ...step("rootfs-hook", `${hook} installed`, HOOK, hook), stdin: ROOTFS_HOOK },
    step(
      "idmap",
      `user namespaces and an idmapped read-only bind of / at ${lxcPath}/host/idmap-${hostId}-${count}`,
      IDMAP,
      hook,
      lxcPath,
      String(hostId),
      String(count),
    ),
  ];
}
