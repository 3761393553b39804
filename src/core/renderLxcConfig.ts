import type { PoolHost } from "./configSchema.js";
import { containerPaths } from "./containerPaths.js";
import type { Definition } from "./definitionSchema.js";
import { hwaddr } from "./hwaddr.js";
import { rootfsHookValue } from "./rootfsHook.js";
import { UNPRIVILEGED_IDS } from "./unprivileged.js";

/** How one replica's config is rendered. */
export interface RenderLxcConfigOptions {
  /** `lxc.apparmor.profile` (policy); omitted when not given, so LXC's default applies. */
  apparmorProfile?: string;
  /** 0-based replica index; derives the MAC when the definition gives none. */
  replica: number;
  /**
   * true (default): PID 1 is `/bin/sleep infinity`, stopped by SIGKILL, and hostroot starts the
   * service with lxc-attach. false: PID 1 is the host's own `/sbin/init` (systemd on the
   * supported platforms), halted with SIGRTMIN+3.
   */
  lightweightInit?: boolean;
  /**
   * true: a user namespace maps container ids 0..65535 to host ids 100000.. ({@link
   * UNPRIVILEGED_IDS}), and the root filesystem is the overlay the host-side hook mounts at
   * `<dir>/rootfs` over an idmapped bind of `/` (see rootfsHook.ts). Default false.
   */
  unprivileged?: boolean;
}

/**
 * One `key = value` line. LXC reads one entry per line and trims blanks around the value, so a
 * newline (or any control character) would inject entries and edge blanks would be lost: both
 * are refused here, whatever validation ran before.
 */
function entry(key: string, value: string): string {
  if (/\p{Cc}/u.test(value) || value.trim() !== value) {
    throw new Error(
      `hostroot: value for ${key} cannot be written to an LXC config: ${JSON.stringify(value)}`,
    );
  }
  return value === "" ? `${key} =` : `${key} = ${value}`;
}

/** fstab escaping, which LXC's getmntent-based parser decodes: `\\`, space, tab, newline. */
function fstabPath(path: string): string {
  const escaped = path
    .replaceAll("\\", "\\134")
    .replaceAll(" ", "\\040")
    .replaceAll("\t", "\\011")
    .replaceAll("\n", "\\012");
  if (/\p{Cc}/u.test(escaped))
    throw new Error(`hostroot: mount path has control characters: ${JSON.stringify(path)}`);
  return escaped;
}

/** A mount target relative to the rootfs, as lxc.mount.entry wants it; `/`, `.` and `..` refused. */
function mountTarget(target: string): string {
  const rel = target.replace(/^\/+/, "").replace(/\/+$/, "");
  if (rel === "" || rel.split("/").some((s) => s === "." || s === "..")) {
    throw new Error(`hostroot: unusable mount target ${JSON.stringify(target)}`);
  }
  return fstabPath(rel);
}

const UNIT: Record<string, bigint> = { "": 1n, K: 1024n, M: 1024n ** 2n, G: 1024n ** 3n };

/** `512M` -> bytes as a decimal string; exact for any size (BigInt). */
function memoryBytes(size: string): string {
  const m = /^([1-9][0-9]*)([KMG]?)$/.exec(size);
  if (!m) throw new Error(`hostroot: memory size ${JSON.stringify(size)} is not like 512M`);
  return (BigInt(m[1] as string) * (UNIT[m[2] as string] as bigint)).toString();
}

/** CFS period (µs) and the kernel's smallest accepted quota. */
const CPU_PERIOD = 100_000;
const CPU_MIN_QUOTA = 1_000;

/**
 * Resource limits, written twice: `lxc.cgroup2.*` for cgroup2 hosts and `lxc.cgroup.*` for
 * legacy/hybrid ones. LXC 4/5 applies exactly one set — it logs "Ignoring cgroup2 limits on
 * legacy cgroup system" or "Ignoring legacy cgroup limits on pure cgroup2 system" for the other —
 * so one config works on every host of a mixed pool (the same pattern LXC's own common.conf uses
 * for device rules). CPU is a CFS quota: `cpus: 1.5` = 150 ms per 100 ms period.
 */
function resourceLines(resources: Definition["resources"]): string[] {
  if (!resources) return [];
  const out: string[] = [];
  if (resources.memory !== undefined) {
    const bytes = memoryBytes(resources.memory);
    out.push(entry("lxc.cgroup2.memory.max", bytes), entry("lxc.cgroup.memory.limit_in_bytes", bytes));
  }
  if (resources.cpus !== undefined) {
    const quota = String(Math.max(CPU_MIN_QUOTA, Math.round(resources.cpus * CPU_PERIOD)));
    out.push(
      entry("lxc.cgroup2.cpu.max", `${quota} ${CPU_PERIOD}`),
      entry("lxc.cgroup.cpu.cfs_period_us", String(CPU_PERIOD)),
      entry("lxc.cgroup.cpu.cfs_quota_us", quota),
    );
  }
  if (resources.pids !== undefined) {
    const pids = String(resources.pids);
    out.push(entry("lxc.cgroup2.pids.max", pids), entry("lxc.cgroup.pids.max", pids));
  }
  return out;
}

/**
 * An unprivileged container: its ids mapped into the host's reserved range, its root the overlay
 * the hook mounts on the host before each start (LXC's overlayfs driver refuses an idmapped
 * lower, so the rootfs is given as a plain directory), unmounted by the same hook after a stop.
 */
function unprivilegedLines(lxcPath: string, dir: string): string[] {
  const { hostId, count } = UNPRIVILEGED_IDS;
  const hook = rootfsHookValue(lxcPath);
  return [
    entry("lxc.idmap", `u 0 ${hostId} ${count}`),
    entry("lxc.idmap", `g 0 ${hostId} ${count}`),
    entry("lxc.rootfs.path", `dir:${dir}/rootfs`),
    entry("lxc.hook.pre-start", hook),
    entry("lxc.hook.post-stop", hook),
  ];
}

/**
 * The LXC 4/5 config of one replica (never the pre-2.1 keys `lxc.rootfs`, `lxc.utsname`,
 * `lxc.network.*`). Pure: the same inputs give the same bytes, so a config can be golden-tested
 * and diffed before a deploy.
 */
export function renderLxcConfig(def: Definition, host: PoolHost, options: RenderLxcConfigOptions): string {
  const paths = containerPaths(host.lxcPath, def.name);
  const lightweight = options.lightweightInit ?? true;
  const lines = [
    `# Managed by hostroot: container ${def.name}, replica ${options.replica}. Edits are overwritten.`,
    // common.conf ships with the lxc package itself; debian.common.conf needs lxc-templates and
    // only adds `lxc.tty.dir =` (written below) plus legacy-cgroup access to rtc, tun, hpet and
    // kvm, which app containers should not get. So: common.conf everywhere, same on every platform.
    entry("lxc.include", "/usr/share/lxc/config/common.conf"),
    // common.conf puts the ttys in /dev/lxc/, which a host-root container's consoles do not use.
    entry("lxc.tty.dir", ""),
    // Empty value clears every post-stop hook so far: lxcfs' reboot hook sleeps 0.5 s per stop.
    entry("lxc.hook.post-stop", ""),
    entry("lxc.uts.name", def.name),
    ...(options.unprivileged
      ? unprivilegedLines(host.lxcPath, paths.dir)
      : [entry("lxc.rootfs.path", `overlayfs:${paths.hostRootfs}:${paths.delta}`)]),
    entry("lxc.net.0.type", "veth"),
    entry("lxc.net.0.link", def.network.bridge),
    entry("lxc.net.0.flags", "up"),
    entry("lxc.net.0.hwaddr", def.network.hwaddr ?? hwaddr(def.name, options.replica)),
    ...def.mounts.map((m) =>
      entry(
        "lxc.mount.entry",
        `${fstabPath(m.source)} ${mountTarget(m.target)} none ${m.readOnly ? "bind,ro" : "bind"},create=dir 0 0`,
      ),
    ),
    ...resourceLines(def.resources),
    ...(options.apparmorProfile === undefined
      ? []
      : [entry("lxc.apparmor.profile", options.apparmorProfile)]),
    // Init model: no assumption that the host's init suits a container. By default PID 1 is a
    // process that does nothing (start 12-50 ms); the service is started by hostroot through
    // lxc-attach, and a stop is SIGKILL to PID 1, which takes the whole PID namespace down at once
    // (else lxc-stop waits 60 s for a sleep that ignores SIGPWR). lxc.init.cmd is split on spaces
    // by LXC with no quoting, so the service argv itself could never be written here safely.
    ...(lightweight
      ? [entry("lxc.init.cmd", "/bin/sleep infinity"), entry("lxc.signal.halt", "SIGKILL")]
      : [entry("lxc.signal.halt", "SIGRTMIN+3")]),
  ];
  return `${lines.join("\n")}\n`;
}
