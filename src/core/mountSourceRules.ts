import { BUILTIN_MASKED_FILES, BUILTIN_OPAQUE_DIRS } from "./builtinMasks.js";
import { type Config, poolHosts } from "./configSchema.js";
import type { Definition } from "./definitionSchema.js";
import { type Diagnostic, diagnostic } from "./diagnostic.js";
import type { Located } from "./located.js";
import { isSameOrUnder, normalisePath } from "./systemPaths.js";

/** The bridges containers may attach to when the policy does not say: what `hosts prepare` creates. */
export const DEFAULT_BRIDGES: readonly string[] = ["lxcbr0"];

/** `at`, `under` or `above` `p`, or undefined when neither contains the other. */
function relation(source: string, p: string): string | undefined {
  if (source === p) return "at";
  if (isSameOrUnder(source, p)) return "under";
  if (isSameOrUnder(p, source)) return "above";
  return undefined;
}

/**
 * What a definition's mounts and network may reach on a host, beyond the allowed prefixes:
 * - `mount/source-masked`: a source at, under or above anything masked in every container (the
 *   built-in set and the policy's), since the bind would show the container what the mask hides;
 * - `mount/source-lxc-path`: a source at, under or above a host's lxcPath (other containers'
 *   deltas and configs; the bind of the host root below it);
 * - `mount/source-deploy-key`: a source at or above hostroot's own SSH key on the hosts;
 * - `network/bridge-not-allowed`: a bridge outside `policy.network.allowedBridges`.
 * Self-contained on purpose: validateDefinition calls it once.
 */
export function mountSourceRules(def: Located<Definition>, config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  const d = def.value;
  const norm = (p: string) => normalisePath(p).path;
  const masks = [
    ...BUILTIN_MASKED_FILES,
    ...BUILTIN_OPAQUE_DIRS,
    ...config.policy.masks.files,
    ...config.policy.masks.dirs,
  ].map(norm);
  const lxcPaths = [...new Set(poolHosts(config).map((h) => norm(h.lxcPath)))];
  const key = norm(config.policy.deployKeyPath);
  d.mounts.forEach((m, i) => {
    const source = norm(m.source);
    const at = def.span(["mounts", i, "source"]);
    const key_ = relation(source, key);
    if (key_ && key_ !== "under")
      out.push(
        diagnostic(
          def.file,
          at,
          "mount/source-deploy-key",
          `mount source '${source}' is ${key_} hostroot's SSH key on the hosts (${key}): a container must never read it`,
        ),
      );
    for (const p of lxcPaths) {
      const r = relation(source, p);
      if (r)
        out.push(
          diagnostic(
            def.file,
            at,
            "mount/source-lxc-path",
            `mount source '${source}' is ${r} the hosts' lxcPath ${p}, which holds every container's delta and config`,
          ),
        );
    }
    const masked = masks.find((p) => p !== key && relation(source, p) !== undefined);
    if (masked)
      out.push(
        diagnostic(
          def.file,
          at,
          "mount/source-masked",
          `mount source '${source}' is ${relation(source, masked)} ${masked}, which is masked in every container: the mount would show what the mask hides`,
        ),
      );
  });
  const allowed = config.policy.network?.allowedBridges ?? DEFAULT_BRIDGES;
  if (!allowed.includes(d.network.bridge))
    out.push(
      diagnostic(
        def.file,
        def.span(["network", "bridge"]),
        "network/bridge-not-allowed",
        `bridge '${d.network.bridge}' is not one the policy allows (${allowed.join(", ")}): set policy.network.allowedBridges`,
      ),
    );
  return out;
}
