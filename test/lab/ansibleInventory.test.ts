import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../cli/runCli.js";
import { labSkipReason, startTestLab, type TestLab, takeLabTestLock } from "./labFixture.js";

/** ansible-core's `ansible` command (Debian package `ansible`); the test needs it, as CI installs it. */
const ansibleMissing = spawnSync("ansible", ["--version"]).status !== 0;
if (ansibleMissing && labSkipReason === undefined)
  console.warn("ansible inventory lab test skipped: `ansible` is not installed (apt-get install ansible)");

// One lab per machine: the tests run in order, under the machine-wide lab test lock.
describe
  .skipIf(labSkipReason !== undefined || ansibleMissing)
  .sequential("hostroot inventory --format ansible on the lab", () => {
    let release: () => void = () => {};
    let lab: TestLab;
    let dir = "";

    const cli = (...args: string[]) => runCli([...args, "-c", lab.info.configPath], { cwd: dir });
    /** `ansible` as an operator runs it, with no config file or home of this machine in the way. */
    const ansible = (args: string[]) =>
      spawnSync("ansible", args, {
        encoding: "utf8",
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          ANSIBLE_CONFIG: join(dir, "none.cfg"),
          ANSIBLE_LOCAL_TEMP: join(dir, "tmp"),
          ANSIBLE_PYTHON_INTERPRETER: "auto_silent",
          // No ControlPersist master: a reused connection skips the host key check, and a master
          // left running would keep a lab host's network namespace alive after teardown.
          ANSIBLE_SSH_ARGS: "-o ControlMaster=no",
        },
        timeout: 120_000,
      });

    beforeAll(async () => {
      release = await takeLabTestLock();
      lab = await startTestLab("ansible", 3);
      dir = mkdtempSync(join(tmpdir(), "hostroot-ansible-"));
    }, 1_500_000);

    afterAll(async () => {
      await lab?.close();
      release();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    it("ansible -m ping over the inventory reaches every lab host, checking the pinned keys", async () => {
      const inv = await cli(
        "inventory",
        "--format",
        "ansible",
        "--known-hosts",
        "known_hosts",
        "--key",
        lab.info.privateKeyPath,
      );
      expect(inv.code).toBe(0);
      writeFileSync(join(dir, "inventory.yml"), inv.stdout);
      expect(readFileSync(join(dir, "known_hosts"), "utf8").trim().split("\n")).toHaveLength(3);
      const ping = ansible(["all", "-i", "inventory.yml", "-m", "ping", "-o"]);
      console.log(ping.stdout, ping.stderr);
      expect(ping.status).toBe(0);
      for (const h of lab.hosts)
        expect(ping.stdout).toMatch(new RegExp(`^${h.name} \\| SUCCESS => .*"ping": "pong"`, "m"));
      // The groups: by platform, and ad-hoc over one group reaches exactly its hosts.
      const group = ansible([
        "platform_debian_12",
        "-i",
        "inventory.yml",
        "-m",
        "command",
        "-a",
        "hostname",
        "-o",
      ]);
      expect(group.status).toBe(0);
      expect(group.stdout.trim().split("\n")).toHaveLength(3);
    }, 300_000);

    it("a host whose key is not the pinned one is refused (StrictHostKeyChecking), the others still answer", () => {
      const known = readFileSync(join(dir, "known_hosts"), "utf8").split("\n");
      const h2 = known.findIndex((l) => l.includes(lab.hosts[1]?.address ?? "?"));
      const other = known[(h2 + 1) % 3]?.split(" ")[2];
      known[h2] = `${known[h2]?.split(" ").slice(0, 2).join(" ")} ${other}`;
      writeFileSync(join(dir, "known_hosts"), known.join("\n"));
      const ping = ansible(["all", "-i", "inventory.yml", "-m", "ping", "-o"]);
      expect(ping.status).not.toBe(0);
      expect(ping.stdout).toMatch(
        new RegExp(`^${lab.hosts[1]?.name} \\| UNREACHABLE![\\s\\S]*Host key verification failed`, "m"),
      );
      expect(ping.stdout).toMatch(new RegExp(`^${lab.hosts[0]?.name} \\| SUCCESS`, "m"));
    }, 300_000);

    it("--containers lists each host's containers as a host variable", async () => {
      const inv = await cli("inventory", "--containers", "--key", lab.info.privateKeyPath);
      expect(inv.code).toBe(0);
      writeFileSync(join(dir, "with-containers.yml"), inv.stdout);
      const r = spawnSync(
        "ansible-inventory",
        ["-i", "with-containers.yml", "--host", lab.hosts[0]?.name ?? "h1"],
        {
          encoding: "utf8",
          cwd: dir,
          env: { PATH: process.env.PATH, HOME: dir, ANSIBLE_CONFIG: join(dir, "none.cfg") },
        },
      );
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({
        ansible_user: "root",
        hostroot_platform: "debian-12",
        hostroot_containers: [],
      });
    }, 300_000);
  });
