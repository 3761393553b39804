import { assertLxcPath } from "./containerPaths.js";
import type { HostStep } from "./hostSteps.js";
import { HOST_LOCK_DIR } from "./lockedHostScript.js";

/** Options for {@link prepareSteps}. */
export interface PrepareOptions {
  lxcPath: string;
  /** Bridges the definitions placed on this host attach to (lxcbr0 unless they say otherwise). */
  bridges: readonly string[];
  /** apt-get install lxc when `lxc-start` is missing; otherwise a missing LXC fails the step. */
  install: boolean;
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
