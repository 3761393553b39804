import { DNS_LABEL } from "./definitionSchema.js";
import { lxcPathProblem } from "./lxcPathProblem.js";

/** Where one container lives on a host; every host-side path hostroot touches comes from here. */
export interface ContainerPaths {
  /** The lxcPath, normalised (no trailing slash): what `-P` gets. */
  lxcPath: string;
  /** `<lxcPath>/<name>`: the only directory a destroy may remove. */
  dir: string;
  /** `<lxcPath>/<name>/delta0`: the writable upper layer, the container's own data. */
  delta: string;
  /** `<lxcPath>/<name>/config`: the rendered LXC config. */
  config: string;
  /** `<lxcPath>/<name>/hostroot.json`: the state file a plan reads. */
  state: string;
  /** `<lxcPath>/host`: holds the bind of the host's root; never a container, never removed. */
  hostDir: string;
  /** `<lxcPath>/host/rootfs`: the non-recursive bind of the host's `/`, every container's lower layer. */
  hostRootfs: string;
}

/**
 * Checks an lxcPath before it is put into a config or a script. The overlayfs rootfs spec is
 * colon-separated and LXC trims blanks around config values, so `:`, whitespace, backslashes and
 * control characters cannot be represented faithfully: they are refused, not escaped. The last
 * guard behind the config rule `config/lxc-path-system`: `/`, system trees and the dirs above
 * them never reach a script (see {@link lxcPathProblem}).
 */
export function assertLxcPath(lxcPath: string): string {
  if (!/^\/[^\s:\\\p{Cc}]*$/u.test(lxcPath) || lxcPath.split("/").some((s) => s === "." || s === "..")) {
    throw new Error(`hostroot: unusable lxcPath ${JSON.stringify(lxcPath)}`);
  }
  const root = lxcPath.replace(/\/+$/, "") || "/";
  const problem = lxcPathProblem(root, false);
  if (problem) throw new Error(`hostroot: refusing lxcPath ${root}: it ${problem}`);
  return root;
}

/**
 * Checks a container name. Names come from validated definitions, but destroys come from what a
 * host reports, so the check is repeated here: anything but a DNS label could escape
 * `<lxcPath>/` (`..`, `/`), and `host` is the directory holding the bind of the host's root —
 * removing it would delete the host itself.
 */
export function assertContainerName(name: string): string {
  if (!DNS_LABEL.test(name)) throw new Error(`hostroot: invalid container name ${JSON.stringify(name)}`);
  if (name === "host") throw new Error(`hostroot: a container may not be named "host"`);
  return name;
}

/** The paths of container `name` under `lxcPath`, after checking both. */
export function containerPaths(lxcPath: string, name: string): ContainerPaths {
  const root = assertLxcPath(lxcPath);
  const base = root === "/" ? "" : root;
  const dir = `${base}/${assertContainerName(name)}`;
  return {
    lxcPath: root,
    dir,
    delta: `${dir}/delta0`,
    config: `${dir}/config`,
    state: `${dir}/hostroot.json`,
    hostDir: `${base}/host`,
    hostRootfs: `${base}/host/rootfs`,
  };
}
