import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/core/configSchema.js";
import { rolloutBatches, rolloutHalted, selectHosts } from "../../src/core/rolloutBatches.js";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEq6Jm3z0zQn6G1Q2m3n4o5p6q7r8s9t0u1v2w3x4y5z";
const host = (name: string) => ({ name, address: `${name}.example`, hostKey: key });
const config = configSchema.parse({
  apiVersion: "hostroot/v1",
  pool: {
    platforms: {
      "debian-12": { hosts: ["a1", "a2", "a3", "a4", "a5", "a6"].map(host) },
      "ubuntu-24.04": { hosts: ["b1", "b2"].map(host) },
    },
  },
});

describe("rolloutBatches", () => {
  it("visits canary hosts alone first, then batches of batchSize, each host once", () => {
    const batches = rolloutBatches(["a", "b", "c", "d", "e", "f"], { canary: 2, batchSize: 3 });
    expect(batches).toEqual([
      { kind: "canary", hosts: ["a"] },
      { kind: "canary", hosts: ["b"] },
      { kind: "batch", hosts: ["c", "d", "e"] },
      { kind: "batch", hosts: ["f"] },
    ]);
  });
  it("handles no canary and a canary count larger than the pool", () => {
    expect(rolloutBatches(["a", "b"], { canary: 0, batchSize: 5 })).toEqual([
      { kind: "batch", hosts: ["a", "b"] },
    ]);
    expect(rolloutBatches(["a"], { canary: 3, batchSize: 5 })).toEqual([{ kind: "canary", hosts: ["a"] }]);
  });
  it("halts only once failures exceed the budget", () => {
    expect([0, 1, 2].map((f) => rolloutHalted(f, 1))).toEqual([false, false, true]);
  });
});

describe("selectHosts", () => {
  it("filters by platform and by names, in pool order", () => {
    const pick = (f: Parameters<typeof selectHosts>[1]) => {
      const s = selectHosts(config, f);
      return s.kind === "ok" ? s.hosts.map((h) => h.name) : s.message;
    };
    expect(pick({ platform: "ubuntu-24.04" })).toEqual(["b1", "b2"]);
    expect(pick({ hosts: ["b2", "a3"] })).toEqual(["a3", "b2"]);
    expect(pick({})).toHaveLength(8);
  });
  it("refuses unknown hosts and platforms, listing the valid ones", () => {
    expect(selectHosts(config, { hosts: ["a1", "a9", "zz"] })).toEqual({
      kind: "usage",
      message: "unknown hosts a9, zz; the pool has: a1, a2, a3, a4, a5, a6, b1, b2",
    });
    expect(selectHosts(config, { platform: "debian-13" })).toEqual({
      kind: "usage",
      message: "unknown platform debian-13; the pool has: debian-12, ubuntu-24.04",
    });
    expect(selectHosts(config, { platform: "debian-12", hosts: ["b1"] })).toEqual({
      kind: "usage",
      message: "no host is both on platform debian-12 and in b1",
    });
  });
});
