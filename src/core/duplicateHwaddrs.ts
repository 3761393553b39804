import type { Definition } from "./definitionSchema.js";
import { type Diagnostic, diagnostic } from "./diagnostic.js";
import { hwaddr } from "./hwaddr.js";
import type { Located, ValuePath } from "./located.js";

/** A message names at most this many other claimants, so one MAC claimed 1,000 times stays cheap. */
const MAX_NAMED = 5;

/**
 * Every MAC a definition's replicas will carry (given or derived), collected in one map; any
 * MAC claimed twice is reported on each file that claims it. A given hwaddr with replicas > 1
 * is a collision of its own: every replica would carry it.
 */
export function duplicateHwaddrs(defs: readonly Located<Definition>[]): Diagnostic[] {
  const claims = new Map<string, Array<{ def: Located<Definition>; replica: number }>>();
  for (const def of defs) {
    const { name, replicas, network } = def.value;
    for (let r = 0; r < replicas; r++) {
      const mac = network.hwaddr ?? hwaddr(name, r);
      const list = claims.get(mac);
      if (list) list.push({ def, replica: r });
      else claims.set(mac, [{ def, replica: r }]);
    }
  }
  const out: Diagnostic[] = [];
  for (const [mac, list] of claims) {
    if (list.length < 2) continue;
    const label = (c: { def: Located<Definition>; replica: number }) =>
      `${c.def.file} (${c.def.value.name} replica ${c.replica})`;
    const seen = new Set<Located<Definition>>();
    for (const c of list) {
      if (seen.has(c.def)) continue; // once per file, at its first replica
      seen.add(c.def);
      const explicit = c.def.value.network.hwaddr !== undefined;
      const others = list
        .slice(0, MAX_NAMED + 1)
        .filter((o) => o !== c)
        .slice(0, MAX_NAMED);
      const path: ValuePath = explicit ? ["network", "hwaddr"] : ["name"];
      const origin = explicit ? "hwaddr" : `derived hwaddr of replica ${c.replica}`;
      out.push(
        diagnostic(
          c.def.file,
          c.def.span(path),
          "network/duplicate-hwaddr",
          `${origin} ${mac} is also used by ${others.map(label).join(", ")}: set a distinct network.hwaddr`,
        ),
      );
    }
  }
  return out;
}
