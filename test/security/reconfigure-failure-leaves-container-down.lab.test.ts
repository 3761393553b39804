import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observePool } from "../../src/workflows/observePool.js";
import { type AttackLab, def, L, labSkipReason, startAttackLab, takeLabTestLock } from "./labAttack.js";

// Attack (on availability): a change that cannot start (here a mount source missing on the host)
// is merged; the reconfigure stops the running container, writes the new config, fails to start
// it, and leaves it down, on a config that never worked.
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("a failed reconfigure puts the container back", () => {
    let release: () => void = () => {};
    let a: AttackLab;
    const good = def("svc", {
      service: { command: ["sleep", "infinity"] },
      health: { command: ["true"], retries: 0 },
    });
    beforeAll(async () => {
      release = await takeLabTestLock();
      a = await startAttackLab("attack-reconfigure-failure");
      const out = await a.deploy([good]);
      expect(out.result.outcome).toBe("succeeded");
    }, 1_200_000);
    afterAll(async () => {
      await a?.close();
      release();
    }, 60_000);

    it("runs again on its previous config and state, with its delta kept", async () => {
      const config = await a.host(`cat ${L}/svc/config`);
      const state = await a.host(`cat ${L}/svc/hostroot.json`);
      const mark = await a.inside("svc", "echo kept >/root/mark");
      expect(mark.code).toBe(0);
      const broken = def("svc", {
        service: { command: ["sleep", "infinity"] },
        health: { command: ["true"], retries: 0 },
        mounts: [{ source: "/srv/not-there", target: "/srv/data" }],
      });
      const out = await a.deploy([broken]);
      expect(out.result.outcome).toBe("failed");
      expect((await a.host(`lxc-info -n svc -P ${L} -s -H`)).trim()).toBe("RUNNING");
      expect(await a.host(`cat ${L}/svc/config`)).toBe(config);
      const h1 = out.result.hosts[0];
      expect(h1?.steps.find((s) => s.id === "svc.stop")?.status).toBe("applied");
      expect(h1?.steps.find((s) => s.id === "svc.rollback-start")?.status).toBe("applied");
      expect(h1?.error).toMatch(
        /rolled back the unfinished reconfigure of svc: it runs on its previous config/,
      );
      expect(await a.host(`cat ${L}/svc/hostroot.json`)).toBe(state);
      expect((await a.inside("svc", "cat /root/mark")).stdout).toBe("kept\n");
      const seen = await observePool(a.lab.executor, a.config);
      expect(seen.result.hosts[0]?.containers).toEqual([
        expect.objectContaining({ name: "svc", state: "running" }),
      ]);
    });
  });
