import { createHash } from "node:crypto";
import { BUILTIN_MASKED_FILES, BUILTIN_OPAQUE_DIRS } from "./builtinMasks.js";
import type { Config } from "./configSchema.js";
import type { Definition } from "./definitionSchema.js";
import { isUnprivileged } from "./unprivileged.js";

/** Policy masks that shape every container, so changing them must change the hash too. */
export interface Masks {
  files: readonly string[];
  dirs: readonly string[];
  /** policy.unprivileged: the default a definition without `unprivileged` gets. */
  unprivileged?: boolean;
}

/**
 * Fields that say where and how many, not what a container is. Left out of the hash so scaling
 * from 2 to 3 replicas creates one container instead of reconfiguring (restarting) the two.
 */
const PLACEMENT_FIELDS = new Set(["replicas", "placement"]);

/**
 * JSON with object keys sorted at every level and `undefined` members dropped, so two values that
 * mean the same thing serialise to the same bytes whatever order the YAML wrote them in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * The masks every container gets: the built-in set, the policy's extra files and dirs, and the
 * deploy key. The built-in set is part of it so that a hostroot release that widens it changes
 * every hash: each container is reconfigured with the new masks at the next deploy, instead of
 * keeping the host's newly listed secrets visible until someone happens to change it.
 */
export function policyMasks(config: Config): Masks {
  return {
    files: [...BUILTIN_MASKED_FILES, ...config.policy.masks.files, config.policy.deployKeyPath],
    dirs: [...BUILTIN_OPAQUE_DIRS, ...config.policy.masks.dirs],
    unprivileged: config.policy.unprivileged,
  };
}

/** The parts that are hashed: the definition without placement fields, and the sorted masks. */
function hashedParts(def: Definition, extraMasks?: Masks): Record<string, unknown> {
  const parts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(def)) if (!PLACEMENT_FIELDS.has(k) && v !== undefined) parts[k] = v;
  // What the container is, not how it was spelt: the definition's choice, else the policy's. Only
  // `true` is hashed, so privileged containers keep the hashes they had before the field existed,
  // and flipping it either way (in the definition or the policy) re-creates the container's config.
  delete parts.unprivileged;
  if (isUnprivileged(def, { unprivileged: extraMasks?.unprivileged })) parts.unprivileged = true;
  // Order of masks means nothing; duplicates neither.
  const sorted = (xs: readonly string[] = []) => [...new Set(xs)].sort();
  parts.masks = { files: sorted(extraMasks?.files), dirs: sorted(extraMasks?.dirs) };
  return parts;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Hex sha256 of the definition (after defaults) and the policy masks, as canonical JSON: key
 * order, comments and spelling out a default leave it unchanged; any change to what the
 * container is changes it. `replicas` and `placement` are not part of it (see above).
 */
export function definitionHash(def: Definition, extraMasks?: Masks): string {
  return sha256(canonicalJson(hashedParts(def, extraMasks)));
}

/**
 * A short hash per top-level field (and `masks`), stored beside the definition hash on the host
 * so a later plan can say which fields changed ("definition changed: mounts, resources").
 */
export function fieldHashes(def: Definition, extraMasks?: Masks): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(hashedParts(def, extraMasks)))
    out[k] = sha256(canonicalJson(v)).slice(0, 16);
  return out;
}

/** Top-level fields whose hashes differ between two {@link fieldHashes} results, sorted. */
export function changedFields(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}
