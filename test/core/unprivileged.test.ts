import { spawnSync } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Config, configSchema, type PoolHost, poolHosts } from "../../src/core/configSchema.js";
import { changedFields, definitionHash, fieldHashes, policyMasks } from "../../src/core/definitionHash.js";
import { type Definition, definitionSchema } from "../../src/core/definitionSchema.js";
import { deltaCommand } from "../../src/core/hostCommands.js";
import { hostSteps } from "../../src/core/hostSteps.js";
import { prepareSteps } from "../../src/core/prepareScript.js";
import { renderLxcConfig } from "../../src/core/renderLxcConfig.js";
import { ROOTFS_HOOK } from "../../src/core/rootfsHook.js";
import { defaultPolicy, stricterPolicy } from "../../src/core/stricterPolicy.js";

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEtd0hrgY63x5CDH0suroeeWutFgAbnyGFVYFTHKKKBr";
const configWith = (policy: Record<string, unknown> = {}): Config =>
  configSchema.parse({
    apiVersion: "hostroot/v1",
    pool: {
      platforms: { "debian-12": { hosts: [{ name: "web-1", address: "192.0.2.11", hostKey: HOST_KEY }] } },
    },
    policy,
  });
const config = configWith();
const host = poolHosts(config)[0] as PoolHost;
const def = (fields: Record<string, unknown> = {}): Definition =>
  definitionSchema.parse({
    apiVersion: "hostroot/v1",
    name: "billing-api",
    platform: "debian-12",
    ...fields,
  });
const hash = (d: Definition, c: Config) => definitionHash(d, policyMasks(c));

describe("unprivileged containers: the rendered config", () => {
  it("maps container ids to 100000.. and mounts the root through the hook, not LXC's overlayfs driver", () => {
    const text = renderLxcConfig(def(), host, { replica: 0, unprivileged: true });
    const lines = text.split("\n");
    expect(lines).toContain("lxc.idmap = u 0 100000 65536");
    expect(lines).toContain("lxc.idmap = g 0 100000 65536");
    expect(lines).toContain("lxc.rootfs.path = dir:/var/lib/lxc/billing-api/rootfs");
    const hook = "/var/lib/lxc/host/hostroot-rootfs-hook /var/lib/lxc 100000 65536";
    expect(lines).toContain(`lxc.hook.pre-start = ${hook}`);
    // The post-stop hook comes after the line clearing lxcfs' hooks, or it would be cleared too.
    expect(lines.lastIndexOf(`lxc.hook.post-stop = ${hook}`)).toBeGreaterThan(
      lines.indexOf("lxc.hook.post-stop ="),
    );
    expect(text).not.toContain("overlayfs:");
  });

  it("leaves a privileged container's config as it was", () => {
    const text = renderLxcConfig(def(), host, { replica: 0 });
    expect(text).toContain(
      "lxc.rootfs.path = overlayfs:/var/lib/lxc/host/rootfs:/var/lib/lxc/billing-api/delta0",
    );
    expect(text).not.toContain("lxc.idmap");
    expect(text).not.toContain("lxc.hook.pre-start");
  });
});

describe("unprivileged containers: the definition hash", () => {
  it("changes when the definition flips it, so a deploy reconfigures the container", () => {
    const before = def();
    const after = def({ unprivileged: true });
    expect(hash(after, config)).not.toBe(hash(before, config));
    expect(
      changedFields(fieldHashes(before, policyMasks(config)), fieldHashes(after, policyMasks(config))),
    ).toEqual(["unprivileged"]);
  });

  it("changes for definitions that do not say, when the policy's default flips", () => {
    expect(hash(def(), configWith({ unprivileged: true }))).not.toBe(hash(def(), config));
  });

  it("is the same however the same choice is spelt", () => {
    expect(hash(def({ unprivileged: false }), config)).toBe(hash(def(), config));
    const policyOn = configWith({ unprivileged: true });
    expect(hash(def({ unprivileged: true }), policyOn)).toBe(hash(def(), policyOn));
    expect(hash(def({ unprivileged: true }), config)).toBe(hash(def(), policyOn));
    // The definition overrides the policy's default.
    expect(hash(def({ unprivileged: false }), policyOn)).toBe(hash(def(), config));
  });
});

describe("unprivileged containers: host steps", () => {
  const create = (d: Definition, c: Config) =>
    hostSteps(
      {
        kind: "create",
        host: "web-1",
        container: d.name,
        replica: 0,
        definitionHash: hash(d, c),
        destructive: false,
        reason: "test",
      },
      {
        host,
        config: c,
        definition: d,
        commit: "",
        deployedAt: "2024-01-01T00:00:00Z",
        owner: { id: "github:1", name: "acme/app" },
      },
    );

  it("installs the rootfs hook, owns the delta by container root, and renders the idmap", () => {
    const steps = create(def(), configWith({ unprivileged: true }));
    const ids = steps.map((s) => s.id);
    expect(ids.indexOf("billing-api.rootfs-hook")).toBeLessThan(ids.indexOf("billing-api.delta"));
    const hook = steps.find((s) => s.id === "billing-api.rootfs-hook");
    expect(hook?.stdin).toBe(ROOTFS_HOOK);
    expect(hook?.argv.at(-1)).toBe("/var/lib/lxc/host/hostroot-rootfs-hook");
    const delta = steps.find((s) => s.id === "billing-api.delta");
    expect(delta?.argv.slice(5, 8)).toEqual(["100000", "0", "65536"]);
    expect(steps.find((s) => s.id === "billing-api.config")?.stdin).toContain("lxc.idmap = u 0 100000 65536");
  });

  it("gives a privileged container no hook and moves an unprivileged delta back to host ids", () => {
    const steps = create(def(), config);
    expect(steps.map((s) => s.id)).not.toContain("billing-api.rootfs-hook");
    expect(steps.find((s) => s.id === "billing-api.delta")?.argv.slice(5, 8)).toEqual([
      "0",
      "100000",
      "65536",
    ]);
  });
});

describe("unprivileged containers: policy and prepare", () => {
  it("a stricter policy keeps unprivileged on when either side has it", () => {
    const on = { ...defaultPolicy(), unprivileged: true };
    expect(stricterPolicy(on, defaultPolicy()).unprivileged).toBe(true);
    expect(stricterPolicy(defaultPolicy(), on).unprivileged).toBe(true);
    expect(stricterPolicy(defaultPolicy(), defaultPolicy()).unprivileged).toBe(false);
  });

  it("hosts prepare reserves ids, installs the hook and proves idmapped mounts only where needed", () => {
    const base = { lxcPath: "/var/lib/lxc", bridges: [], install: false };
    const extra = ["prepare.subids", "prepare.rootfs-hook", "prepare.idmap"];
    const plain = prepareSteps(base).map((s) => s.id);
    for (const id of extra) expect(plain).not.toContain(id);
    const steps = prepareSteps({ ...base, unprivileged: true });
    expect(steps.slice(-3).map((s) => s.id)).toEqual(extra);
    expect(steps.find((s) => s.id === "prepare.rootfs-hook")?.stdin).toBe(ROOTFS_HOOK);
  });

  it("the hook and every prepare script are valid sh", () => {
    expect(spawnSync("sh", ["-n", "-c", ROOTFS_HOOK]).status).toBe(0);
    for (const s of prepareSteps({
      lxcPath: "/var/lib/lxc",
      bridges: [],
      install: false,
      unprivileged: true,
    }))
      expect(spawnSync("sh", ["-n", "-c", s.argv[2] as string]).status, s.id).toBe(0);
  });

  it("the hook refuses to run for a config that is not the container's own", () => {
    const r = spawnSync(
      "sh",
      ["-c", ROOTFS_HOOK, "hook", "/var/lib/lxc", "100000", "65536", "app", "lxc", "pre-start"],
      {
        env: { LXC_CONFIG_FILE: "/tmp/other/config" },
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("LXC_CONFIG_FILE is not /var/lib/lxc/app/config");
  });
});

const tmp = mkdtempSync(join(tmpdir(), "hostroot-unpriv-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the delta's owners, run by a real sh", () => {
  const asRoot = process.getuid?.() === 0 && spawnSync("setfattr", ["--version"]).status === 0;
  const run = (argv: string[]) => spawnSync(argv[0] as string, argv.slice(1), { encoding: "utf8" });
  const owner = (p: string) => {
    const s = lstatSync(p);
    return [s.uid, s.gid];
  };
  const unpriv = { offset: 100_000, other: 0, count: 65_536 };
  const priv = { offset: 0, other: 100_000, count: 65_536 };

  it.skipIf(!asRoot)("writes masks and files owned by container root, then moves them back and forth", () => {
    const delta = join(tmp, "flip", "delta0");
    mkdirSync(delta, { recursive: true });
    // What the container wrote while privileged: an app file, a setuid helper, a user's file.
    mkdirSync(join(delta, "srv/app"), { recursive: true });
    writeFileSync(join(delta, "srv/app/data"), "x");
    writeFileSync(join(delta, "srv/app/helper"), "#!/bin/sh\n");
    chmodSync(join(delta, "srv/app/helper"), 0o4755);
    writeFileSync(join(delta, "srv/app/mine"), "y");
    spawnSync("chown", ["1000:1000", join(delta, "srv/app/mine")]);
    const ops = [
      { op: "opaque" as const, path: "/root" },
      { op: "file" as const, path: "/etc/hostname", content: "billing-api\n" },
    ];
    const r = run(deltaCommand(delta, ops, unpriv));
    expect(r.stderr).toBe("");
    expect(owner(delta)).toEqual([100_000, 100_000]);
    expect(owner(join(delta, "root"))).toEqual([100_000, 100_000]);
    expect(statSync(join(delta, "root")).mode & 0o7777).toBe(statSync("/root").mode & 0o7777);
    expect(owner(join(delta, "etc/hostname"))).toEqual([100_000, 100_000]);
    expect(owner(join(delta, "srv/app/data"))).toEqual([100_000, 100_000]);
    expect(owner(join(delta, "srv/app/mine"))).toEqual([101_000, 101_000]);
    expect(statSync(join(delta, "srv/app/helper")).mode & 0o7777).toBe(0o4755);
    // A second run converges; switching back restores host ids.
    expect(run(deltaCommand(delta, ops, unpriv)).status).toBe(0);
    expect(owner(join(delta, "srv/app/mine"))).toEqual([101_000, 101_000]);
    expect(run(deltaCommand(delta, ops, priv)).status).toBe(0);
    expect(owner(delta)).toEqual([0, 0]);
    expect(owner(join(delta, "srv/app/mine"))).toEqual([1000, 1000]);
    expect(owner(join(delta, "etc/hostname"))).toEqual([0, 0]);
    expect(statSync(join(delta, "srv/app/helper")).mode & 0o7777).toBe(0o4755);
  });
});

describe("hosts prepare's id range step, run by a real sh over scratch /etc files", () => {
  const asRoot = process.getuid?.() === 0 && spawnSync("unshare", ["--version"]).status === 0;
  const step = prepareSteps({
    lxcPath: "/var/lib/lxc",
    bridges: [],
    install: false,
    unprivileged: true,
  }).find((s) => s.id === "prepare.subids");
  /** Runs the step in a private mount namespace where /etc/subuid, subgid, passwd and group are scratch files. */
  function runWith(files: { subuid: string; subgid: string; passwd?: string; group?: string }) {
    const dir = mkdtempSync(join(tmp, "etc-"));
    const all = { passwd: "root:x:0:0::/root:/bin/sh\n", group: "root:x:0:\n", ...files };
    const binds = Object.entries(all).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return `mount --bind ${join(dir, name)} /etc/${name}`;
    });
    const argv = step?.argv ?? [];
    const r = spawnSync(
      "unshare",
      [
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        `${binds.join(" && ")} && exec "$@"`,
        "sh",
        ...argv,
      ],
      { encoding: "utf8" },
    );
    const read = (name: string) => spawnSync("cat", [join(dir, name)], { encoding: "utf8" }).stdout;
    return { ...r, subuid: read("subuid"), subgid: read("subgid") };
  }

  it.skipIf(!asRoot)("appends root's range where it is missing, and leaves a covering one alone", () => {
    const added = runWith({ subuid: "alice:200000:65536\n", subgid: "root:100000:65536\n" });
    expect(added.status).toBe(0);
    expect(added.subuid).toBe("alice:200000:65536\nroot:100000:65536\n");
    expect(added.subgid).toBe("root:100000:65536\n");
    expect(added.stdout).toContain("changed reserved root:100000:65536 in /etc/subuid");
    const again = runWith({ subuid: "root:0:1000000\n", subgid: "root:100000:65536\n" });
    expect([again.status, again.subuid]).toEqual([0, "root:0:1000000\n"]);
    expect(again.stdout).toContain("unchanged");
  });

  it.skipIf(!asRoot)("refuses, changing nothing, when someone else holds part of the range", () => {
    const clash = runWith({ subuid: "podman:150000:65536\n", subgid: "" });
    expect(clash.status).toBe(1);
    expect(clash.stderr).toContain("/etc/subuid already gives part of 100000-165535 to: podman:150000:65536");
    expect([clash.subuid, clash.subgid]).toEqual(["podman:150000:65536\n", ""]);
    const account = runWith({ subuid: "", subgid: "", passwd: "svc:x:100500:100500::/:/bin/false\n" });
    expect(account.status).toBe(1);
    expect(account.stderr).toContain("host account or group svc has an id in 100000-165535");
  });
});
