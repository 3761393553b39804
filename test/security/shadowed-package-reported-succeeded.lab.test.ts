import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";
import {
  createContainer,
  inContainer,
  labSkipReason,
  startUpgradeLab,
  takeLabTestLock,
  type UpgradeLab,
  webDefinition,
} from "../lab/upgradeFixture.js";

// Attack: a container's delta shadows the package being fixed — its own copy of the library, or
// its own copy of dpkg's database — so after the host upgrade and the restart it still runs (or
// claims) the old version. Before, its host was "succeeded" with a warning sign in the
// markdown, and the rollout went on. Played on a real lab: two hosts, the canary holds them.

describe
  .skipIf(labSkipReason !== undefined)
  .sequential("attack: a shadowed package reported succeeded", () => {
    let release: () => void = () => {};
    let lab: UpgradeLab;
    const lib = "/usr/lib/x86_64-linux-gnu/libdemofoo.so.1";
    const defs = ["own-lib", "own-dpkg", "clean-1", "clean-2"].map((n) => webDefinition(n));

    beforeAll(async () => {
      release = await takeLabTestLock();
      lab = await startUpgradeLab("attack-shadowed", 2);
      for (const [host, def] of [
        ["h1", defs[0]],
        ["h1", defs[1]],
        ["h1", defs[2]],
        ["h2", defs[3]],
      ] as const)
        if (def) await createContainer(lab, host, def);
      // Written inside the running containers, as their own software would: the writes land in the deltas.
      await inContainer(lab, "h1", "own-lib", ["sh", "-c", `cat ${lib} >${lib}.new && mv ${lib}.new ${lib}`]);
      await inContainer(lab, "h1", "own-dpkg", ["touch", "/var/lib/dpkg/status"]);
      expect((await publishDemoPackage("1.1", { stateDir: lab.stateDir })).kind).toBe("published");
    }, 1_500_000);

    afterAll(async () => {
      await lab?.close();
      release();
    }, 60_000);

    it("the host fails naming each container and what it sees; the rollout halts at the canary", async () => {
      const out = await upgradeHosts(
        { config: lab.config, packages: ["demo-libfoo"], dryRun: false, definitions: defs, holder: "attack" },
        { executor: lab.executor },
      );
      if (out.kind !== "done") throw new Error(out.message);
      const r = out.result;
      expect(r.outcome).toBe("halted");
      expect(r.hosts.map((h) => [h.host, h.outcome])).toEqual([
        ["h1", "failed"],
        ["h2", "not-run"],
      ]);
      const h1 = r.hosts[0];
      expect(h1?.packages).toEqual([{ name: "demo-libfoo", before: "1.0", after: "1.1" }]);
      expect(h1?.error).toBe(
        [
          "containers failed: own-dpkg (sees demo-libfoo 1.0, the host has 1.1, its delta shadows demo-libfoo: file /var/lib/dpkg/status)",
          `own-lib (its delta shadows demo-libfoo: file ${lib})`,
        ].join("; "),
      );
      expect(h1?.containers?.map((c) => [c.name, c.sees, c.shadowed])).toEqual([
        ["clean-1", { "demo-libfoo": "1.1" }, undefined],
        ["own-dpkg", { "demo-libfoo": "1.0" }, ["demo-libfoo"]],
        ["own-lib", { "demo-libfoo": "1.1" }, ["demo-libfoo"]],
      ]);
    }, 120_000);
  });
