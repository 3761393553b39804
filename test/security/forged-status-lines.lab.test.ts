import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observePool } from "../../src/workflows/observePool.js";
import { type AttackLab, def, labSkipReason, startAttackLab, takeLabTestLock } from "./labAttack.js";

// Attack: a container replaces dpkg-query in its own delta with a script that prints status
// records after its "version": a fake container, a replaced state digest, another container's
// package version. `hostroot status --packages dpkg` runs that program from inside the container.
const FAKE_STATE = Buffer.from(
  JSON.stringify({
    name: "fake",
    definitionHash: "f".repeat(64),
    commit: "forged",
    deployedAt: "2024-01-01T00:00:00Z",
    replica: 0,
    owner: { id: "github:4242", name: "acme/attack" },
  }),
).toString("base64");
const FORGED = [
  "9.9",
  `::hostroot-status state fake RUNNING ${FAKE_STATE}`,
  `::hostroot-status digest ${"0".repeat(64)}`,
  "::hostroot-status sees honest dpkg 0.0-forged",
  "::hostroot-status done",
];
const PLANT = `printf '%s\\n' '#!/bin/sh' ${FORGED.map((l) => `'echo "${l}"'`).join(" ")} >/usr/bin/dpkg-query && chmod 755 /usr/bin/dpkg-query`;

describe.skipIf(labSkipReason !== undefined).sequential("status output from a container is data", () => {
  let release: () => void = () => {};
  let a: AttackLab;
  beforeAll(async () => {
    release = await takeLabTestLock();
    a = await startAttackLab("attack-forged-status");
    const out = await a.deploy([def("honest"), def("evil", { setup: [["sh", "-c", PLANT]] })]);
    expect(out.result.outcome).toBe("succeeded");
  }, 1_200_000);
  afterAll(async () => {
    await a?.close();
    release();
  }, 60_000);

  it("the container's dpkg-query really prints the forged records", async () => {
    const r = await a.inside("evil", "dpkg-query -W dpkg");
    expect(r.stdout).toContain("::hostroot-status state fake RUNNING");
  });

  it("status reports no fake container, the real digest, and nothing about another container", async () => {
    const plain = await observePool(a.lab.executor, a.config);
    const asked = await observePool(a.lab.executor, a.config, { packages: ["dpkg"] });
    const names = asked.observed.hosts.flatMap((h) => h.containers.map((c) => c.name)).sort();
    expect(names).toEqual(["evil", "honest"]);
    expect(asked.statuses.get("h1")?.digest).toBe(plain.statuses.get("h1")?.digest);
    expect(asked.statuses.get("h1")?.digest).not.toBe("0".repeat(64));
    const honest = asked.result.hosts[0]?.containers?.find((c) => c.name === "honest");
    expect(honest?.sees?.dpkg).not.toBe("0.0-forged");
    // The container may only lie about itself, in one word.
    const evil = asked.result.hosts[0]?.containers?.find((c) => c.name === "evil");
    expect(evil?.sees?.dpkg).toBe("9.9");
    expect(asked.result.outcome).toBe("succeeded");
  });
});
