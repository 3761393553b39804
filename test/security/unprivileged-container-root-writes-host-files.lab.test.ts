import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackLab, def, L, labSkipReason, startAttackLab, takeLabTestLock } from "./labAttack.js";

// Attack: a definition's setup runs as container root, and container root was host root. Given a
// writable mount of a host directory that holds root's files (a shared config dir, a spool with
// root-only files), it rewrites root's config, plants files where root will run them, and reads
// root-only secrets that no mask covers (masks only hide paths of the lower layer). An
// unprivileged container (`unprivileged: true`) is host uid 100000: none of that is allowed to it.
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("an unprivileged container's root is not the host's root", () => {
    let release: () => void = () => {};
    let a: AttackLab;
    const mount = { source: "/srv/ledger", target: "/srv/ledger" };
    beforeAll(async () => {
      release = await takeLabTestLock();
      // A plain root for the host: OverlayFS cannot be idmapped (see docs/lab.md).
      a = await startAttackLab("attack-unprivileged-root", {}, { plainRoots: true });
      await a.host(
        "mkdir -p /srv/ledger/bin && echo original >/srv/ledger/settings && printf 'token\\n' >/srv/ledger/root-only && chmod 600 /srv/ledger/root-only",
      );
      const out = await a.deploy([def("attacker", { unprivileged: true, mounts: [mount] })]);
      expect(out.result.outcome).toBe("succeeded");
    }, 1_200_000);
    afterAll(async () => {
      await a?.close();
      release();
    }, 60_000);

    it("runs as host uid 100000, whatever it calls itself", async () => {
      expect((await a.inside("attacker", "id -u")).stdout).toBe("0\n");
      const pid = (await a.host(`lxc-info -n attacker -P ${L} -p -H`)).trim();
      expect(await a.host(`awk '/^Uid:/ { print $2 }' /proc/${pid}/status`)).toBe("100000\n");
    });

    it("cannot rewrite root's files, plant new ones or read root-only ones through its mount", async () => {
      const attack = await a.inside(
        "attacker",
        "echo evil >/srv/ledger/settings; echo evil >/srv/ledger/bin/run-me; cat /srv/ledger/root-only",
      );
      expect(attack.code).not.toBe(0);
      expect(attack.stdout).not.toContain("token");
      expect(attack.stderr.match(/Permission denied/g)?.length).toBe(3);
      expect(await a.host("cat /srv/ledger/settings; ls /srv/ledger/bin")).toBe("original\n");
    });
  });
