import type { Definition } from "./definitionSchema.js";

/**
 * The host ids an unprivileged container's ids 0..65535 map to: `lxc.idmap = u 0 100000 65536`
 * (and `g`). One fixed, documented range that `hosts prepare` reserves for root in /etc/subuid
 * and /etc/subgid, so a rendered config never depends on what a host happens to hold. Every
 * unprivileged container of a host shares it.
 */
export const UNPRIVILEGED_IDS = { hostId: 100_000, count: 65_536 } as const;

/** Whether a container runs unprivileged: its definition decides, else the policy's default. */
export function isUnprivileged(
  def: Pick<Definition, "unprivileged">,
  policy: { unprivileged?: boolean | undefined },
): boolean {
  return def.unprivileged ?? policy.unprivileged ?? false;
}
