/**
 * Every name the lab gives to a machine-wide object starts with this prefix, so a teardown can
 * find what an interrupted run left (without its state file) and touch nothing else.
 */
export const LAB_PREFIX = "hrlab";
/** The lab's bridge in the root network namespace. */
export const BRIDGE = `${LAB_PREFIX}0`;
/** The lab's subnet; the bridge is .1 and host N is .(10+N). */
export const SUBNET = { network: "10.77.0.0", prefix: 24, bridgeAddress: "10.77.0.1" } as const;
/** Most hosts one lab may have (addresses .11 to .250, interface names within 15 characters). */
export const MAX_HOSTS = 200;
/** Where each host sees the lab's apt repository (a read-only bind). */
export const REPO_MOUNT = "/srv/hostroot-lab-repo";
/** The apt source line every host gets. */
export const REPO_SOURCE_LINE = `deb [trusted=yes] file:${REPO_MOUNT}/current ./`;
/** The platform every lab host runs. */
export const LAB_PLATFORM = "debian-12";
/** Default state directory, relative to the working directory (ignored by git). */
export const DEFAULT_STATE_DIR = ".lab";

/** Names of everything that belongs to host number `n` (1-based). */
export function hostNames(n: number): {
  name: string;
  netns: string;
  veth: string;
  cgroup: string;
  address: string;
} {
  const name = `h${n}`;
  const own = `${LAB_PREFIX}-${name}`;
  return { name, netns: own, veth: own, cgroup: own, address: `10.77.0.${10 + n}` };
}

/** True for a netns, veth or cgroup name that only the lab makes (`hrlab-h3`). */
export function isLabHostObject(name: string): boolean {
  return /^hrlab-h[0-9]{1,3}$/.test(name);
}
