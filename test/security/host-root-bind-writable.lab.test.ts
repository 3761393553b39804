import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackLab, def, L, labSkipReason, startAttackLab, takeLabTestLock } from "./labAttack.js";

// Attack: on a host where `hosts prepare` never ran, the first deploy bound the host's `/` at
// <lxcPath>/host/rootfs read-write: anything that reaches that bind (a process on the host, a
// container given a path into it) writes the host root itself.
describe.skipIf(labSkipReason !== undefined).sequential("the deploy's host-root bind is read-only", () => {
  let release: () => void = () => {};
  let a: AttackLab;
  beforeAll(async () => {
    release = await takeLabTestLock();
    a = await startAttackLab("attack-host-root-bind");
    // A host as it is before `hosts prepare`: nothing bound at <lxcPath>/host/rootfs.
    await a.host(`if mountpoint -q ${L}/host/rootfs; then umount ${L}/host/rootfs; fi`);
    const out = await a.deploy([def("web")]);
    expect(out.result.outcome).toBe("succeeded");
  }, 1_200_000);
  afterAll(async () => {
    await a?.close();
    release();
  }, 60_000);

  it("binds / read-only: a write through the bind fails, the host root is unchanged", async () => {
    const opts = await a.host(`awk '$5 == "${L}/host/rootfs" { print $6 }' /proc/self/mountinfo`);
    expect(opts.trim().split(",")).toContain("ro");
    const write = await a.lab.executor.exec(
      a.lab.hosts[0] as AttackLab["lab"]["hosts"][number],
      `touch ${L}/host/rootfs/etc/hostroot-through-bind\n`,
      { timeoutMs: 30_000 },
    );
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);
    expect(await a.host("test -e /etc/hostroot-through-bind && echo written || echo clean")).toBe("clean\n");
  });

  it("a container's own writes land in its delta, never in the host root", async () => {
    const w = await a.inside("web", "echo from-container >/etc/hostroot-probe && cat /etc/hostroot-probe");
    expect(w.stdout).toBe("from-container\n");
    expect(await a.host("test -e /etc/hostroot-probe && echo written || echo clean")).toBe("clean\n");
    expect(await a.host(`cat ${L}/web/delta0/etc/hostroot-probe`)).toBe("from-container\n");
  });
});
