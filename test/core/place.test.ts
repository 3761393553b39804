import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Config, poolHosts } from "../../src/core/configSchema.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import type { ObservedState } from "../../src/core/observedState.js";
import { type Placement, place } from "../../src/core/place.js";
import { definition, poolConfig, type TestHost } from "./locatedFixture.js";

/** What the hosts would report after deploying `p`: every placed replica, where it was placed. */
function observedFrom(p: Placement, config: Config): ObservedState {
  return {
    hosts: poolHosts(config).map((h) => ({
      host: h.name,
      reachable: true,
      containers: p.assignments
        .filter((a) => a.host === h.name)
        .map((a) => ({
          name: a.container,
          replica: a.replica,
          definitionHash: "x",
          commit: "",
          deployedAt: "",
        })),
    })),
  };
}
const observedAt = (entries: Array<[host: string, name: string, replica?: number]>): ObservedState => ({
  hosts: [...new Set(entries.map((e) => e[0]))].map((host) => ({
    host,
    reachable: true,
    containers: entries
      .filter((e) => e[0] === host)
      .map(([, name, replica]) => ({ name, replica, definitionHash: "x", commit: "", deployedAt: "" })),
  })),
});
const hostsOf = (p: Placement, name: string) =>
  p.assignments.filter((a) => a.container === name).map((a) => `${a.replica}@${a.host}`);

const pool = poolConfig({
  "debian-12": [
    { name: "h1", labels: { zone: "a" } },
    { name: "h2", labels: { zone: "b" } },
    { name: "h3", labels: { zone: "a" } },
  ],
  "ubuntu-24.04": [{ name: "u1" }],
});

describe("place", () => {
  it("puts replicas on distinct hosts of their platform and placement", () => {
    const p = place([definition({ name: "web", replicas: 2, placement: { labels: { zone: "a" } } })], pool);
    expect(p.assignments.map((a) => a.host).sort()).toEqual(["h1", "h3"]);
    expect(p.unplaced).toEqual([]);
    expect(hostsOf(place([definition({ name: "db", platform: "ubuntu-24.04" })], pool), "db")).toEqual([
      "0@u1",
    ]);
    expect(hostsOf(place([definition({ name: "x", placement: { hosts: ["h2"] } })], pool), "x")).toEqual([
      "0@h2",
    ]);
  });

  it("says why replicas cannot be placed", () => {
    const p = place(
      [
        definition({ name: "a", platform: "centos-7" }),
        definition({ name: "b", placement: { labels: { zone: "z" } } }),
        definition({ name: "c", replicas: 4 }),
      ],
      pool,
    );
    expect(p.unplaced.map((u) => `${u.container}/${u.replica} ${u.kind}`)).toEqual([
      "a/0 unknown-platform",
      "b/0 no-hosts",
      "c/3 replicas",
    ]);
    expect(hostsOf(p, "c")).toHaveLength(3);
  });

  it("keeps an observed container where it is, even where hashing would not put it", () => {
    const fresh = place([definition({ name: "web" })], pool);
    const elsewhere = ["h1", "h2", "h3"].find((h) => h !== fresh.assignments[0]?.host) as string;
    const kept = place([definition({ name: "web" })], pool, observedAt([[elsewhere, "web", 0]]));
    expect(hostsOf(kept, "web")).toEqual([`0@${elsewhere}`]);
  });

  it("moves an observed container off a host that is no longer eligible", () => {
    const p = place(
      [definition({ name: "web", placement: { hosts: ["h2"] } })],
      pool,
      observedAt([["h1", "web", 0]]),
    );
    expect(hostsOf(p, "web")).toEqual(["0@h2"]);
  });

  it("keeps the lowest replica indexes when scaling down, and fills gaps from unindexed containers", () => {
    const seen = observedAt([
      ["h1", "web", 0],
      ["h2", "web", 1],
      ["h3", "web", 2],
    ]);
    expect(hostsOf(place([definition({ name: "web", replicas: 2 })], pool, seen), "web")).toEqual([
      "0@h1",
      "1@h2",
    ]);
    const unindexed = observedAt([
      ["h3", "web"],
      ["h2", "web", 1],
    ]);
    expect(hostsOf(place([definition({ name: "web", replicas: 2 })], pool, unindexed), "web")).toEqual([
      "0@h3",
      "1@h2",
    ]);
  });

  it("spreads single-replica containers over the hosts", () => {
    const defs = Array.from({ length: 60 }, (_, i) => definition({ name: `c${i}` }));
    const used = new Set(place(defs, pool).assignments.map((a) => a.host));
    expect([...used].sort()).toEqual(["h1", "h2", "h3"]);
  });
});

// Properties over random pools and definition sets.
const hostArb = (prefix: string) =>
  fc
    .uniqueArray(
      fc.record({
        n: fc.integer({ min: 0, max: 20 }),
        zone: fc.constantFrom("a", "b"),
        capacity: fc.integer({ min: 1, max: 6 }),
      }),
      { minLength: 1, maxLength: 6, selector: (h) => h.n },
    )
    .map((hs) =>
      hs.map((h): TestHost => ({ name: `${prefix}${h.n}`, labels: { zone: h.zone }, capacity: h.capacity })),
    );
const poolArb = fc.record({ "debian-12": hostArb("d"), "ubuntu-24.04": hostArb("u") });
const defArb = fc.record({
  n: fc.integer({ min: 0, max: 40 }),
  platform: fc.constantFrom("debian-12", "ubuntu-24.04"),
  replicas: fc.integer({ min: 1, max: 3 }),
  zone: fc.option(fc.constantFrom("a", "b"), { nil: undefined }),
});
const defsArb = fc.uniqueArray(defArb, { maxLength: 25, selector: (d) => d.n }).map((ds) =>
  ds.map((d) =>
    definition({
      name: `c${d.n}`,
      platform: d.platform,
      replicas: d.replicas,
      ...(d.zone ? { placement: { labels: { zone: d.zone } } } : {}),
    }),
  ),
);

/** Deterministic shuffle from a seed (mulberry32), so a failing case replays. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
const key = (a: { container: string; replica: number; host: string }) =>
  `${a.container}/${a.replica}@${a.host}`;

describe("place properties", () => {
  it("respects capacity, platform, placement and distinct hosts, and places or explains every replica", () => {
    fc.assert(
      fc.property(poolArb, defsArb, (platforms, defs) => {
        const config = poolConfig(platforms);
        const p = place(defs, config);
        const hosts = new Map(poolHosts(config).map((h) => [h.name, h]));
        const load = new Map<string, number>();
        for (const a of p.assignments) {
          const h = hosts.get(a.host);
          const d = defs.find((x) => x.name === a.container) as Definition;
          expect(h?.platform).toBe(d.platform);
          if (d.placement?.labels) expect(h?.labels.zone).toBe(d.placement.labels.zone);
          load.set(a.host, (load.get(a.host) ?? 0) + 1);
        }
        for (const [name, n] of load) expect(n).toBeLessThanOrEqual(hosts.get(name)?.capacity ?? 0);
        for (const d of defs) {
          const placed = p.assignments.filter((a) => a.container === d.name);
          expect(new Set(placed.map((a) => a.host)).size).toBe(placed.length);
          const missing = p.unplaced.filter((u) => u.container === d.name);
          expect([...placed, ...missing].map((x) => x.replica).sort()).toEqual(
            Array.from({ length: d.replicas }, (_, i) => i),
          );
        }
      }),
    );
  });

  it("does not depend on the order of definitions or of observed hosts", () => {
    fc.assert(
      fc.property(poolArb, defsArb, defsArb, fc.integer(), (platforms, before, defs, seed) => {
        const config = poolConfig(platforms);
        const seen = observedFrom(place(before, config), config);
        const shuffledSeen = { hosts: shuffle(seen.hosts, seed) };
        expect(place(shuffle(defs, seed), config, shuffledSeen)).toEqual(place(defs, config, seen));
      }),
    );
  });

  it("never moves an existing container when a host is added", () => {
    fc.assert(
      fc.property(poolArb, defsArb, fc.integer({ min: 21, max: 30 }), (platforms, defs, n) => {
        const config = poolConfig(platforms);
        const first = place(defs, config);
        const bigger = poolConfig({
          ...platforms,
          "debian-12": [...platforms["debian-12"], { name: `d${n}`, labels: { zone: "a" }, capacity: 3 }],
        });
        const second = place(defs, bigger, observedFrom(first, config));
        expect(second.assignments.map(key)).toEqual(expect.arrayContaining(first.assignments.map(key)));
      }),
    );
  });

  it("never moves an existing container when a definition is added", () => {
    fc.assert(
      fc.property(
        poolArb,
        defsArb,
        defArb,
        fc.constantFrom("a-new", "m-new", "z-new"),
        (platforms, defs, extra, name) => {
          const config = poolConfig(platforms);
          const first = place(defs, config);
          // Names that sort before, among and after the others: definitions are worked through by name.
          const added = definition({ name, platform: extra.platform, replicas: extra.replicas });
          const second = place([added, ...defs], config, observedFrom(first, config));
          expect(second.assignments.filter((a) => a.container !== name).map(key)).toEqual(
            first.assignments.map(key),
          );
        },
      ),
    );
  });

  it("without any observed state, moves nothing when a definition is added to a pool with room", () => {
    fc.assert(
      fc.property(poolArb, defsArb, defArb, (platforms, defs, extra) => {
        const roomy = Object.fromEntries(
          Object.entries(platforms).map(([p, hs]) => [p, hs.map((h) => ({ ...h, capacity: 100 }))]),
        );
        const config = poolConfig(roomy);
        const first = place(defs, config);
        const added = definition({ name: "new", platform: extra.platform, replicas: extra.replicas });
        const second = place([...defs, added], config);
        expect(second.assignments.filter((a) => a.container !== "new").map(key)).toEqual(
          first.assignments.map(key),
        );
      }),
    );
  });

  it("is a fixed point: placing again from what it placed changes nothing", () => {
    fc.assert(
      fc.property(poolArb, defsArb, (platforms, defs) => {
        const config = poolConfig(platforms);
        const first = place(defs, config);
        expect(place(defs, config, observedFrom(first, config))).toEqual(first);
      }),
    );
  });
});
