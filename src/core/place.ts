import { type Config, type PoolHost, poolHosts } from "./configSchema.js";
import { canonicalJson } from "./definitionHash.js";
import type { Definition } from "./definitionSchema.js";
import { groupBy } from "./groupBy.js";
import type { ObservedState } from "./observedState.js";
import { rendezvousWeight } from "./rendezvousWeight.js";

/** One replica of one definition, put on one host (where its LXC name is the definition name). */
export interface Assignment {
  container: string;
  replica: number;
  host: string;
}

/** Why a replica could not be placed; validation turns each kind into its own rule. */
export type UnplacedKind = "unknown-platform" | "no-hosts" | "replicas" | "capacity" | "duplicate";

/** A replica with no host, and why in words. */
export interface Unplaced {
  container: string;
  replica: number;
  kind: UnplacedKind;
  reason: string;
}

/** Where every replica goes, sorted by container then replica. */
export interface Placement {
  assignments: Assignment[];
  unplaced: Unplaced[];
}

/**
 * Places every replica on a host, deterministically and stably:
 * - a replica already observed on a host that is still eligible stays there, so adding hosts or
 *   definitions never moves (destroys) an existing container;
 * - the rest go by rendezvous hashing: each definition ranks its eligible hosts by a hash of
 *   (name, host) and takes the best ones with room, replicas on distinct hosts. The ranking
 *   depends on nothing else, so input order does not matter and a new host only attracts its
 *   share of new containers.
 * Definitions are worked through by name, so under contention for capacity the result is the
 * same whatever order the files were read in.
 */
export function place(defs: readonly Definition[], config: Config, observed?: ObservedState): Placement {
  const assignments: Assignment[] = [];
  const unplaced: Unplaced[] = [];
  const hosts = poolHosts(config);
  const poolIndex = new Map(hosts.map((h, i) => [h.name, i]));
  const byPlatform = groupBy(hosts, (h) => h.platform);
  const seen = groupBy(
    (observed?.hosts ?? []).flatMap((h) =>
      h.containers.map((c) => ({ host: h.host, replica: c.replica, name: c.name })),
    ),
    (c) => c.name,
  );
  const load = new Map<string, number>();
  const miss = (def: Definition, from: number, kind: UnplacedKind, reason: string) => {
    for (let r = from; r < def.replicas; r++)
      unplaced.push({ container: def.name, replica: r, kind, reason });
  };

  const work: Array<{ def: Definition; eligible: PoolHost[]; slots: (string | undefined)[] }> = [];
  let previous: string | undefined;
  for (const def of [...defs].sort(byNameThenContent)) {
    if (def.name === previous) {
      miss(def, 0, "duplicate", `another definition is also named ${def.name}`);
      continue;
    }
    previous = def.name;
    const platformHosts = byPlatform.get(def.platform);
    if (!platformHosts) {
      miss(def, 0, "unknown-platform", `platform ${def.platform} is not in the pool`);
      continue;
    }
    const eligible = platformHosts.filter((h) => isEligible(def, h));
    if (eligible.length === 0) {
      miss(def, 0, "no-hosts", `no host of platform ${def.platform} matches its placement`);
      continue;
    }
    const slots = pin(def, eligible, seen.get(def.name) ?? [], poolIndex);
    for (const h of slots) if (h) load.set(h, (load.get(h) ?? 0) + 1);
    work.push({ def, eligible, slots });
  }

  for (const { def, eligible, slots } of work) {
    if (slots.includes(undefined)) {
      const ranked = eligible
        .map((h) => ({ h, w: rendezvousWeight(`${def.name}\n${h.name}`) }))
        .sort((a, b) => b.w - a.w || (a.h.name < b.h.name ? -1 : 1))
        .map((x) => x.h);
      for (let r = 0; r < def.replicas; r++) {
        if (slots[r] !== undefined) continue;
        const free = ranked.filter((h) => !slots.includes(h.name));
        const host = free.find((h) => (load.get(h.name) ?? 0) < h.capacity);
        if (host) {
          slots[r] = host.name;
          load.set(host.name, (load.get(host.name) ?? 0) + 1);
        } else if (free.length === 0)
          unplaced.push({
            container: def.name,
            replica: r,
            kind: "replicas",
            reason: `only ${eligible.length} eligible host(s) of ${def.platform} for ${def.replicas} replicas`,
          });
        else
          unplaced.push({
            container: def.name,
            replica: r,
            kind: "capacity",
            reason: `eligible hosts of ${def.platform} are full (${free.map((h) => `${h.name}: ${h.capacity}`).join(", ")})`,
          });
      }
    }
    slots.forEach((host, replica) => {
      if (host) assignments.push({ container: def.name, replica, host });
    });
  }
  const order = (a: { container: string; replica: number }, b: { container: string; replica: number }) =>
    (a.container < b.container ? -1 : a.container > b.container ? 1 : 0) || a.replica - b.replica;
  return { assignments: assignments.sort(order), unplaced: unplaced.sort(order) };
}

/** Same platform is checked by the caller; here placement.hosts and placement.labels. */
function isEligible(def: Definition, host: PoolHost): boolean {
  const p = def.placement;
  if (p?.hosts && !p.hosts.includes(host.name)) return false;
  return Object.entries(p?.labels ?? {}).every(([k, v]) => host.labels[k] === v);
}

/**
 * Keeps observed replicas where they are: first at their recorded index, then (unrecorded,
 * clashing or beyond a lowered replica count) at the lowest free index, which keeps the delta
 * at the price of a reconfigure. What is left over is not placed, and the plan destroys it.
 */
function pin(
  def: Definition,
  eligible: readonly PoolHost[],
  seen: ReadonlyArray<{ host: string; replica?: number | undefined }>,
  poolIndex: ReadonlyMap<string, number>,
): (string | undefined)[] {
  const names = new Set(eligible.map((h) => h.name));
  const candidates = seen
    .filter((c) => names.has(c.host))
    .sort(
      (a, b) =>
        (a.replica ?? Number.MAX_SAFE_INTEGER) - (b.replica ?? Number.MAX_SAFE_INTEGER) ||
        (poolIndex.get(a.host) ?? 0) - (poolIndex.get(b.host) ?? 0),
    );
  const slots: (string | undefined)[] = Array.from({ length: def.replicas }, () => undefined);
  const later: string[] = [];
  for (const c of candidates) {
    if (slots.includes(c.host)) continue;
    if (c.replica !== undefined && c.replica < def.replicas && slots[c.replica] === undefined)
      slots[c.replica] = c.host;
    else later.push(c.host);
  }
  for (const host of later) {
    const free = slots.indexOf(undefined);
    if (free >= 0 && !slots.includes(host)) slots[free] = host;
  }
  return slots;
}

function byNameThenContent(a: Definition, b: Definition): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const ca = canonicalJson(a);
  const cb = canonicalJson(b);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}
