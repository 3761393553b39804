import type { Config, PoolHost } from "./configSchema.js";
import { policyMasks } from "./definitionHash.js";
import type { Definition } from "./definitionSchema.js";

/** What is hidden from a container: files become whiteouts, dirs become opaque (empty) dirs. */
export interface MaskSet {
  files: string[];
  dirs: string[];
}

/**
 * Host secrets every container would otherwise read through the shared lower layer. The host key
 * glob `/etc/ssh/ssh_host_*_key` cannot be expanded without looking at the host, so the key types
 * OpenSSH has ever generated are listed; a whiteout for a file the host lacks costs nothing.
 */
export const BUILTIN_MASKED_FILES: readonly string[] = [
  "/etc/shadow",
  "/etc/gshadow",
  "/etc/shadow-",
  "/etc/gshadow-",
  ...["rsa", "ecdsa", "ed25519", "dsa"].map((t) => `/etc/ssh/ssh_host_${t}_key`),
];

/**
 * Directories whose host content no container may see: home dirs, temp dirs (other users' files),
 * logs, and `/var/lib/lxc`, where every other container's delta lives. The container still gets
 * the directory itself, empty and writable, so software that expects it keeps working.
 */
export const BUILTIN_OPAQUE_DIRS: readonly string[] = [
  "/root",
  "/home",
  "/tmp",
  "/var/tmp",
  "/var/log",
  "/var/lib/lxc",
];

/** True when `path` is `dir` or lies below it. */
function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);
}

/**
 * The masks for one container: the built-in set, the policy's (extra files and dirs, the deploy
 * key) and the definition's `hide` list. Duplicates are dropped, first occurrence kept. A file
 * under an opaque dir is dropped too: the dir already hides it, and a whiteout there would only
 * make an empty parent dir appear (e.g. `/root/.ssh` for the deploy key). Given a host, its
 * lxcPath is hidden too: other containers' deltas live there, wherever the host keeps them.
 */
export function defaultMasks(
  config: Config,
  def?: Pick<Definition, "hide">,
  host?: Pick<PoolHost, "lxcPath">,
): MaskSet {
  const policy = policyMasks(config);
  // `/srv/x/` and `/srv/x` are one dir; the trailing slash would only defeat the dedup.
  const norm = (p: string) => p.replace(/\/+$/, "") || "/";
  const dirs = [
    ...new Set(
      [...BUILTIN_OPAQUE_DIRS, ...(host ? [host.lxcPath] : []), ...policy.dirs, ...(def?.hide ?? [])].map(
        norm,
      ),
    ),
  ];
  const files = [...new Set([...BUILTIN_MASKED_FILES, ...policy.files].map(norm))].filter(
    (f) => !dirs.some((d) => isUnder(f, d)),
  );
  return { files, dirs };
}
