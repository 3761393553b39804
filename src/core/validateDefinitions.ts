import { type Config, poolHosts } from "./configSchema.js";
import type { Definition } from "./definitionSchema.js";
import { type Diagnostic, diagnostic } from "./diagnostic.js";
import { duplicateHwaddrs } from "./duplicateHwaddrs.js";
import { groupBy } from "./groupBy.js";
import type { Located, ValuePath } from "./located.js";
import { place, type UnplacedKind } from "./place.js";
import { suggest } from "./suggest.js";
import { validateDefinition } from "./validateDefinition.js";

/** Placement failures worth a diagnostic, by the rule they become. */
const PLACEMENT_RULES: Partial<Record<UnplacedKind, string>> = {
  "no-hosts": "placement/no-hosts",
  replicas: "placement/replicas",
  capacity: "placement/capacity",
};
/** Where to point for each: the field a developer would change. */
const PLACEMENT_PATHS: Partial<Record<UnplacedKind, ValuePath>> = {
  "no-hosts": ["placement"],
  replicas: ["replicas"],
  capacity: ["platform"],
};
/** A duplicate's message names at most this many other files, so 10,000 copies stay linear. */
const MAX_NAMED = 5;

/**
 * Every rule over a set of definitions: each one's own rules ({@link validateDefinition}), then
 * those that need them all and the pool: duplicate names (on every file involved), unknown
 * platforms and hosts, placement that cannot be met, and MAC addresses that collide. Linear in
 * the number of definitions and replicas.
 */
export function validateDefinitions(defs: readonly Located<Definition>[], config: Config): Diagnostic[] {
  const out = defs.flatMap((def) => validateDefinition(def, config));
  const byName = groupBy(defs, (d) => d.value.name);
  for (const group of byName.values()) {
    if (group.length < 2) continue;
    for (const def of group) {
      const named = group
        .slice(0, MAX_NAMED + 1)
        .filter((o) => o !== def)
        .slice(0, MAX_NAMED)
        .map((o) => o.file)
        .join(", ");
      const more = group.length - 1 > MAX_NAMED ? ` and ${group.length - 1 - MAX_NAMED} more` : "";
      out.push(
        diagnostic(
          def.file,
          def.span(["name"]),
          "name/duplicate",
          `name '${def.value.name}' is also used by ${named}${more}`,
        ),
      );
    }
  }

  const platforms = Object.keys(config.pool.platforms);
  const hostPlatform = new Map(poolHosts(config).map((h) => [h.name, h.platform]));
  for (const def of defs) {
    const { platform, placement } = def.value;
    if (!Object.hasOwn(config.pool.platforms, platform)) {
      const guess = suggest(platform, platforms);
      const hint = guess
        ? `did you mean '${guess}'?`
        : `the pool has ${platforms.join(", ") || "no platforms"}`;
      out.push(
        diagnostic(
          def.file,
          def.span(["platform"]),
          "platform/unknown",
          `platform '${platform}' is not in the pool: ${hint}`,
        ),
      );
      continue;
    }
    placement?.hosts?.forEach((host, i) => {
      const actual = hostPlatform.get(host);
      if (actual === platform) return;
      const why = actual
        ? `host '${host}' runs ${actual}, not ${platform}`
        : `host '${host}' is not in the pool${hintFor(host, hostPlatform.keys())}`;
      out.push(diagnostic(def.file, def.span(["placement", "hosts", i]), "placement/unknown-host", why));
    });
  }

  // Placement problems of duplicated names are left to name/duplicate: which copy is meant is unknown.
  const { unplaced } = place(
    defs.map((d) => d.value),
    config,
  );
  const counts = new Map<string, number>();
  for (const u of unplaced)
    counts.set(`${u.container}\n${u.kind}`, (counts.get(`${u.container}\n${u.kind}`) ?? 0) + 1);
  for (const u of unplaced) {
    const rule = PLACEMENT_RULES[u.kind];
    const path = PLACEMENT_PATHS[u.kind];
    const group = byName.get(u.container);
    const key = `${u.container}\n${u.kind}`;
    const count = counts.get(key);
    if (!rule || !path || group?.length !== 1 || count === undefined) continue;
    counts.delete(key); // one diagnostic per definition and kind
    const def = group[0] as Located<Definition>;
    const what = count === 1 ? `replica ${u.replica}` : `${count} replicas`;
    out.push(
      diagnostic(def.file, def.span(path), rule, `${what} of '${u.container}' cannot be placed: ${u.reason}`),
    );
  }

  // Copies of one name derive the same MACs; name/duplicate already says so.
  out.push(...duplicateHwaddrs([...byName.values()].map((g) => g[0] as Located<Definition>)));
  return out;
}

/** " (did you mean 'x'?)" or nothing. */
function hintFor(word: string, candidates: Iterable<string>): string {
  const guess = suggest(word, candidates);
  return guess ? ` (did you mean '${guess}'?)` : "";
}
