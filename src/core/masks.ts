import { BUILTIN_MASKED_FILES, BUILTIN_OPAQUE_DIRS } from "./builtinMasks.js";
import type { Config, PoolHost } from "./configSchema.js";
import { policyMasks } from "./definitionHash.js";
import type { Definition } from "./definitionSchema.js";

/** What is hidden from a container: files become whiteouts, dirs become opaque (empty) dirs. */
export interface MaskSet {
  files: string[];
  dirs: string[];
}

export { BUILTIN_MASKED_FILES, BUILTIN_OPAQUE_DIRS } from "./builtinMasks.js";

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
