import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_MASKED_FILES, BUILTIN_OPAQUE_DIRS } from "../../src/core/masks.js";
import { type AttackLab, def, labSkipReason, startAttackLab, takeLabTestLock } from "./labAttack.js";

// Attack: a container reads the host's secrets through the shared lower layer: TLS private keys,
// Let's Encrypt keys, debconf's saved passwords, systemd's credential key, old password hashes,
// users' crontabs. Each is planted on the lab host first, then read from inside a container.
const FILES = [
  "/etc/security/opasswd",
  "/var/cache/debconf/passwords.dat",
  "/var/lib/systemd/credential.secret",
  "/etc/ppp/chap-secrets",
  "/etc/ipsec.secrets",
  "/etc/krb5.keytab",
];
const DIRS = [
  "/etc/ssl/private",
  "/etc/letsencrypt",
  "/var/spool/cron/crontabs",
  "/var/spool/cron/atjobs",
  "/etc/wireguard",
  "/etc/NetworkManager/system-connections",
];

describe.skipIf(labSkipReason !== undefined).sequential("host secrets are masked in every container", () => {
  let release: () => void = () => {};
  let a: AttackLab;
  beforeAll(async () => {
    release = await takeLabTestLock();
    a = await startAttackLab("attack-host-secrets");
    const plant = [
      ...FILES.map((f) => `mkdir -p "$(dirname ${f})" && echo HOST-SECRET >${f}`),
      ...DIRS.map((d) => `mkdir -p ${d} && echo HOST-SECRET >${d}/planted.key`),
    ].join(" && ");
    await a.host(plant);
    const out = await a.deploy([def("reader")]);
    expect(out.result.outcome).toBe("succeeded");
  }, 1_200_000);
  afterAll(async () => {
    await a?.close();
    release();
  }, 60_000);

  it("lists every planted path among the built-in masks", () => {
    for (const f of FILES) expect(BUILTIN_MASKED_FILES).toContain(f);
    for (const d of DIRS) expect(BUILTIN_OPAQUE_DIRS).toContain(d);
  });

  it.each(FILES)("%s: the host has it, the container cannot read it", async (f) => {
    expect(await a.host(`cat ${f}`)).toBe("HOST-SECRET\n");
    const r = await a.inside("reader", `cat ${f}`);
    expect(r.stdout).not.toContain("HOST-SECRET");
    expect(r.code).not.toBe(0);
  });

  it.each(DIRS)("%s: the host's files are there, the container sees the dir empty", async (d) => {
    expect(await a.host(`cat ${d}/planted.key`)).toBe("HOST-SECRET\n");
    const r = await a.inside("reader", `ls -A ${d}; cat ${d}/planted.key`);
    expect(r.stdout).not.toContain("HOST-SECRET");
    expect(r.stdout.trim()).toBe("");
  });

  it("the rest of /etc/ssl (the CA certificates) stays visible", async () => {
    await a.host("mkdir -p /etc/ssl/certs && echo HOST-CA >/etc/ssl/certs/hostroot-test-ca.pem");
    const r = await a.inside("reader", "ls -A /etc/ssl; cat /etc/ssl/certs/hostroot-test-ca.pem");
    expect(r.stdout.split("\n")).toEqual(expect.arrayContaining(["certs", "private", "HOST-CA"]));
  });
});
