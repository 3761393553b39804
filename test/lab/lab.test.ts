import { spawn } from "node:child_process";
import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type LabInfo,
  labDown,
  labStatus,
  labUnavailableReason,
  labUp,
  publishDemoPackage,
  tearDownLabQuietly,
} from "../../src/adapters/lab/index.js";
import { run } from "../../src/adapters/lab/run.js";
import { configSchema, poolHosts } from "../../src/core/configSchema.js";
import { shellQuote } from "../../src/core/shellQuote.js";
import { takeLabTestLock } from "./labFixture.js";
import { labLeftovers } from "./leftovers.js";

// The lab is one real pool on this machine: these tests run one after another, in this file only.
const stateDir = fileURLToPath(new URL("../../.lab/test", import.meta.url));
const unavailable = labUnavailableReason();
if (unavailable) console.warn(`lab tests skipped: ${unavailable}`);

/** Plain OpenSSH, as an operator would type it, with the lab's key and known_hosts. */
function ssh(
  info: LabInfo,
  address: string,
  script: string,
  knownHosts = info.knownHostsPath,
  key = info.privateKeyPath,
) {
  return run(
    [
      "ssh",
      "-F",
      "/dev/null",
      "-i",
      key,
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "BatchMode=yes",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `UserKnownHostsFile=${knownHosts}`,
      `root@${address}`,
      script,
    ],
    { timeoutMs: 60_000 },
  );
}

async function sshOk(info: LabInfo, address: string, script: string): Promise<string> {
  const r = await ssh(info, address, script);
  expect(r.stderr.replace(/debconf: delaying package configuration.*\n?/g, "")).toBe("");
  expect(r.code).toBe(0);
  return r.stdout;
}

const L = "/var/lib/lxc";
const lxc = (verb: string, ...rest: string[]) => shellQuote([`lxc-${verb}`, "-n", "c1", "-P", L, ...rest]);
const versionInContainer = `${lxc("attach", "--", "cat", "/usr/lib/demo-libfoo/VERSION")}`;

describe.skipIf(unavailable !== undefined).sequential("hostroot lab (real hosts on this machine)", () => {
  let info: LabInfo;
  let release: (() => void) | undefined;

  // This file tears down every lab on the machine: it holds the lab lock every other lab file
  // and benchmark holds, so it never pulls a pool from under another run.
  beforeAll(async () => {
    release = await takeLabTestLock();
    await tearDownLabQuietly({ stateDir });
  }, 960_000);

  afterAll(async () => {
    try {
      await tearDownLabQuietly({ stateDir });
    } finally {
      release?.();
    }
  }, 60_000);

  it("brings up 3 hosts with a valid pool config, pinned keys and the demo package", async () => {
    info = await labUp({ hosts: 3, stateDir });
    expect(info.hosts.map((h) => h.address)).toEqual(["10.77.0.11", "10.77.0.12", "10.77.0.13"]);
    expect(statSync(info.privateKeyPath).mode & 0o777).toBe(0o600);
    const config = configSchema.parse(parse(readFileSync(info.configPath, "utf8")));
    const pool = poolHosts(config);
    expect(pool.map((h) => [h.platform, h.name, h.address, h.port, h.user])).toEqual(
      info.hosts.map((h) => ["debian-12", h.name, h.address, 22, "root"]),
    );
    for (const [i, h] of info.hosts.entries()) {
      // The pinned key is the one the host's sshd really serves.
      const served = await sshOk(info, h.address, "cat /etc/ssh/ssh_host_ed25519_key.pub");
      expect(served.split(" ").slice(0, 2).join(" ")).toBe(pool[i]?.hostKey);
      expect(await sshOk(info, h.address, "hostname; cat /usr/lib/demo-libfoo/VERSION")).toBe(
        `${h.name}\n1.0\n`,
      );
    }
    expect(new Set(pool.map((h) => h.hostKey)).size).toBe(3);
    const status = await labStatus({ stateDir });
    expect(status.kind).toBe("up");
    if (status.kind !== "down") expect(status.hosts.map((h) => h.sshdAlive)).toEqual([true, true, true]);
  }, 240_000);

  it("reports the running lab on a second up, and refuses a different one", async () => {
    const again = await labUp({ hosts: 3, stateDir });
    expect(again.reused).toBe(true);
    expect(again.hosts).toEqual(info.hosts);
    await expect(labUp({ hosts: 2, stateDir })).rejects.toThrow(/already up.*lab down/);
  }, 60_000);

  it("refuses a host whose key is not the pinned one, and a client key it does not know", async () => {
    const [h1, h2] = info.hosts;
    if (!h1 || !h2) throw new Error("need two hosts");
    const wrongKnownHosts = `${stateDir}/wrong_known_hosts`;
    writeFileSync(wrongKnownHosts, `${h1.address} ${h2.hostKey}\n`);
    const wrongHost = await ssh(info, h1.address, "true", wrongKnownHosts);
    expect(wrongHost.code).toBe(255);
    expect(wrongHost.stderr).toMatch(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    const strayKey = `${stateDir}/stray_key`;
    await run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", strayKey]);
    const wrongClient = await ssh(info, h1.address, "true", info.knownHostsPath, strayKey);
    expect(wrongClient.code).toBe(255);
    expect(wrongClient.stderr).toMatch(/Permission denied/);
    rmSync(wrongKnownHosts);
    rmSync(strayKey);
    rmSync(`${strayKey}.pub`);
  }, 60_000);

  it("runs LXC inside a host: a container sees the host upgrade only after stop and start", async () => {
    const h1 = info.hosts[0]?.address ?? "";
    const setup = [
      `mkdir -p ${L}/host/rootfs ${L}/c1/delta0/etc`,
      `mountpoint -q ${L}/host/rootfs || mount --bind / ${L}/host/rootfs`,
      `echo c1 > ${L}/c1/delta0/etc/hostname`,
      `printf '%s\\n' ${shellQuote([
        "lxc.include = /usr/share/lxc/config/debian.common.conf",
        "lxc.uts.name = c1",
        `lxc.rootfs.path = overlayfs:${L}/host/rootfs:${L}/c1/delta0`,
        "lxc.init.cmd = /bin/sleep infinity",
        "lxc.signal.halt = SIGKILL",
      ])} > ${L}/c1/config`,
      lxc("start", "-d"),
      versionInContainer,
    ].join(" && ");
    expect(await sshOk(info, h1, setup)).toBe("1.0\n");
    const running = await labStatus({ stateDir });
    expect(running.kind !== "down" && running.hosts.map((h) => h.containers)).toEqual([1, 0, 0]);

    const published = await publishDemoPackage("1.1", { stateDir });
    expect(published).toMatchObject({ kind: "published", version: "1.1" });
    const upgrade =
      "apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq -y install --only-upgrade demo-libfoo >/dev/null";
    await sshOk(info, h1, upgrade);
    expect(await sshOk(info, h1, "cat /usr/lib/demo-libfoo/VERSION")).toBe("1.1\n");
    expect(await sshOk(info, h1, versionInContainer)).toBe("1.0\n");

    // The library is a real shared object: loaded in the container, it names the version it was built as.
    const load =
      "import ctypes; l = ctypes.CDLL('/usr/lib/x86_64-linux-gnu/libdemofoo.so.1'); l.demofoo_version.restype = ctypes.c_char_p; print(l.demofoo_version().decode())";
    const restart = `${lxc("stop")} && ${lxc("start", "-d")} && ${versionInContainer} && ${lxc("attach", "--", "python3", "-c", load)}`;
    expect(await sshOk(info, h1, restart)).toBe("1.1\ndemo-libfoo 1.1\n");
    // Another host was not upgraded.
    expect(await sshOk(info, info.hosts[1]?.address ?? "", "cat /usr/lib/demo-libfoo/VERSION")).toBe("1.0\n");
  }, 60_000);

  it("refuses to publish a version that is not a Debian version", async () => {
    expect(await publishDemoPackage("1.0; rm -rf /", { stateDir })).toMatchObject({ kind: "invalid" });
  });

  it("takes everything down, with a container running, and a second down is fine", async () => {
    const { removed } = await labDown({ stateDir });
    expect(removed).toEqual(expect.arrayContaining(["netns hrlab-h1", "bridge hrlab0"]));
    expect(await labLeftovers(stateDir)).toEqual([]);
    expect(await labDown({ stateDir })).toEqual({ removed: [] });
    expect(await labStatus({ stateDir })).toMatchObject({ kind: "down", leftovers: [] });
  }, 60_000);

  it("cleans up after a labUp killed with SIGKILL half-way, even without its state file", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./labUpChild.ts", import.meta.url)), stateDir, "3"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let seen = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        seen += d;
        // The hosts' namespaces, veths, cgroups and runners exist; sshd and apt are not done yet.
        if (seen.includes("hosts started")) resolve();
      });
      child.on("exit", () => reject(new Error(`labUp ended before the kill:\n${seen}`)));
    });
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const left = await labLeftovers(stateDir);
    expect(left).toEqual(expect.arrayContaining(["netns hrlab-h1", "link hrlab0"]));
    rmSync(`${stateDir}/state.json`);

    await labDown({ stateDir });
    expect(await labLeftovers(stateDir)).toEqual([]);
    expect(await labDown({ stateDir })).toEqual({ removed: [] });
  }, 120_000);
});
