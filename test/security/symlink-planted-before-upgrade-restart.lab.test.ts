import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";
import { type AttackLab, def, L, labSkipReason, startAttackLab, takeLabTestLock } from "./labAttack.js";

// Attack: the deploy-time check saw /srv/share/d as a plain directory. Later, a container with a
// writable mount of /srv/share swaps d for `d -> /`. The next restart, which every host upgrade
// does, would bind the host's whole root, writable, into the container that mounts /srv/share/d.
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("a mount source turned into a symlink after its deploy", () => {
    let release: () => void = () => {};
    let a: AttackLab;
    const writer = def("writer", {
      mounts: [{ source: "/srv/share", target: "/srv/share", readOnly: false }],
    });
    const reader = def("reader", { mounts: [{ source: "/srv/share/d", target: "/mnt/d", readOnly: false }] });
    beforeAll(async () => {
      release = await takeLabTestLock();
      a = await startAttackLab("attack-symlink-before-upgrade");
      await a.host("mkdir -p /srv/share/d");
      const out = await a.deploy([writer, reader]);
      expect(out.result.outcome).toBe("succeeded");
      const published = await publishDemoPackage("1.1", { stateDir: a.lab.stateDir });
      expect(published.kind).toBe("published");
    }, 1_200_000);
    afterAll(async () => {
      await a?.close();
      release();
    }, 60_000);

    it("upgrade-hosts refuses to restart through it: the host fails, the container keeps running", async () => {
      const planted = await a.inside("writer", "rmdir /srv/share/d && ln -s / /srv/share/d");
      expect(planted.code).toBe(0);
      expect(await a.host("readlink /srv/share/d")).toBe("/\n");
      const pid = await a.host(`lxc-info -n reader -P ${L} -p -H`);

      const out = await upgradeHosts(
        {
          config: a.config,
          packages: ["demo-libfoo"],
          dryRun: false,
          definitions: [writer, reader],
          holder: "attack test upgrade",
        },
        { executor: a.lab.executor },
      );
      if (out.kind !== "done") throw new Error(`usage: ${JSON.stringify(out)}`);
      const h1 = out.result.hosts[0];
      expect(h1?.outcome).toBe("failed");
      const failed = h1?.steps.find((s) => s.status === "failed");
      expect(failed?.id).toBe("reader.mounts");
      expect(failed?.output ?? "").toContain("goes through a symlink");
      // Not stopped, so not restarted through the link: the same process runs on, and what it sees
      // at /mnt/d is still the empty directory it was given, not the host's root.
      expect(h1?.steps.find((s) => s.id === "reader.stop")?.status).not.toBe("applied");
      expect(await a.host(`lxc-info -n reader -P ${L} -p -H`)).toBe(pid);
      const seen = await a.inside("reader", "ls /mnt/d");
      expect(seen.stdout).not.toContain("etc");
    });
  });
