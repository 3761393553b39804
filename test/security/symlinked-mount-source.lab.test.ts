import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttackLab, def, L, labSkipReason, startAttackLab, takeLabTestLock } from "./labAttack.js";

// Attack: a container with a writable mount of /srv/share plants `h -> /` in it; the next
// definition mounts /srv/share/h (validation sees a path under the allowed /srv) and gets the
// host's whole root, writable, inside its container.
describe.skipIf(labSkipReason !== undefined).sequential("a symlink in a mount source is refused", () => {
  let release: () => void = () => {};
  let a: AttackLab;
  const writer = def("writer", { mounts: [{ source: "/srv/share", target: "/srv/share", readOnly: false }] });
  beforeAll(async () => {
    release = await takeLabTestLock();
    a = await startAttackLab("attack-symlinked-mount");
    await a.host("mkdir -p /srv/share");
    const out = await a.deploy([writer]);
    expect(out.result.outcome).toBe("succeeded");
  }, 1_200_000);
  afterAll(async () => {
    await a?.close();
    release();
  }, 60_000);

  it("the writer plants the link; a definition mounting through it fails before it starts", async () => {
    const planted = await a.inside("writer", "ln -s / /srv/share/h && ls /srv/share/h/etc/hostname");
    expect(planted.code).toBe(0);
    expect(await a.host("readlink /srv/share/h")).toBe("/\n");
    const reader = def("reader", { mounts: [{ source: "/srv/share/h", target: "/mnt/h", readOnly: false }] });
    const out = await a.deploy([writer, reader]);
    expect(out.result.outcome).toBe("failed");
    const h1 = out.result.hosts[0];
    expect(h1?.steps.find((s) => s.status === "failed")?.id).toBe("reader.mounts");
    expect(h1?.steps.find((s) => s.id === "reader.start")?.status).toBe("not-run");
    expect(h1?.error).toMatch(/rolled back the unfinished create of reader/);
    expect(await a.host(`test -e ${L}/reader && echo present || echo gone`)).toBe("gone\n");
  });
});
