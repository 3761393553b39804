import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { main } from "../../src/adapters/cli/main.js";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import type { HostResult, OperationResult } from "../../src/core/operationResult.js";
import { shellQuote } from "../../src/core/shellQuote.js";
import { labSkipReason, startTestLab, type TestLab, takeLabTestLock } from "./labFixture.js";

const L = "/var/lib/lxc";
const VERSION_FILE = "/usr/lib/demo-libfoo/VERSION";

// One lab for this file, its tests in order, under the machine-wide lab test lock. Its host has a
// plain root (a copy of the base, not an overlay): OverlayFS cannot be idmapped, ext4 can.
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("unprivileged containers over an idmapped host root, on the lab", () => {
    let release: () => void = () => {};
    let lab: TestLab;
    let work: string;

    /** Runs the CLI in-process in the work dir, against the lab. */
    async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
      let out = "";
      let err = "";
      const env = {
        ...process.env,
        HOSTROOT_CONFIG: "hostroot.yml",
        HOSTROOT_SSH_KEY_FILE: lab.info.privateKeyPath,
      };
      const code = await main(["node", "hostroot", ...args], {
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          err += t;
        },
        env,
        cwd: work,
      });
      return { code, out, err };
    }
    async function json(...args: string[]): Promise<OperationResult> {
      const r = await cli(...args, "--format", "json");
      if (r.code !== 0) console.log(r.out, r.err);
      expect(r.code).toBe(0);
      return JSON.parse(r.out) as OperationResult;
    }
    const steps = (r: OperationResult) => (r.hosts[0] as HostResult).steps;
    const host = (script: string) => lab.sh("h1", ["sh", "-c", script]);
    /** A sh script inside a container; resolves with its exit code and output, never throws. */
    const inside = (name: string, script: string) =>
      lab.executor.exec(
        lab.hosts[0] as TestLab["hosts"][number],
        `${shellQuote(["lxc-attach", "-n", name, "-P", L, "--clear-env", "-v", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "--", "sh", "-c", script])}\n`,
        { timeoutMs: 30_000 },
      );
    const writeDef = (name: string, fields: Record<string, unknown>) =>
      writeFileSync(
        join(work, "containers", `${name}.yml`),
        stringify({ apiVersion: "hostroot/v1", name, platform: "debian-12", ...fields }),
      );
    const web = {
      setup: [["sh", "-c", "useradd --system app && mkdir -p /srv/www && echo hello >/srv/www/index.html"]],
      mounts: [{ source: "/srv/ledger", target: "/srv/ledger" }],
      service: {
        command: [
          "/usr/bin/python3",
          "-m",
          "http.server",
          "8080",
          "--bind",
          "127.0.0.1",
          "--directory",
          "/srv/www",
        ],
        user: "app",
      },
      health: {
        command: [
          "python3",
          "-c",
          "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/', timeout=2)",
        ],
        retries: 10,
        intervalSeconds: 0.3,
      },
    };

    beforeAll(async () => {
      release = await takeLabTestLock();
      lab = await startTestLab("unprivileged", 1, { plainRoots: true });
      work = mkdtempSync(join(tmpdir(), "hostroot-unpriv-"));
      mkdirSync(join(work, "containers"));
      const config = parse(readFileSync(lab.info.configPath, "utf8")) as { policy: Record<string, unknown> };
      config.policy.definitionsPath = "containers";
      writeFileSync(join(work, "hostroot.yml"), stringify(config));
      writeDef("unpriv-web", { ...web, unprivileged: true });
      writeDef("priv-web", web);
      // A root-only file of the host's, inside a directory both containers mount: no mask covers it.
      await host("printf 'host secret\\n' >/srv/ledger/root-only && chmod 600 /srv/ledger/root-only");
    }, 1_200_000);

    afterAll(async () => {
      try {
        if (work) rmSync(work, { recursive: true, force: true });
        await lab?.close();
      } finally {
        release();
      }
    }, 60_000);

    it("hosts prepare reserves the id range for root, installs the hook and makes the idmapped bind, once", async () => {
      const first = steps(await json("hosts", "prepare"));
      const said = (id: string) => first.find((s) => s.id === id);
      expect(said("prepare.subids")).toMatchObject({
        status: "applied",
        description: "reserved root:100000:65536 in /etc/subuid /etc/subgid",
      });
      expect(said("prepare.rootfs-hook")?.status).toBe("applied");
      expect(said("prepare.idmap")?.description).toBe(
        `made the idmapped bind of / at ${L}/host/idmap-100000-65536`,
      );
      expect(await host("cat /etc/subuid /etc/subgid")).toBe("root:100000:65536\nroot:100000:65536\n");
      const mount = await host(`findmnt -n -o FSTYPE,OPTIONS ${L}/host/idmap-100000-65536`);
      expect(mount).toMatch(/^ext4 +ro,.*idmapped/);
      const again = await cli("hosts", "prepare");
      expect(again.code).toBe(0);
      expect(again.out).toContain("0 change(s)");
    }, 120_000);

    it("deploys an unprivileged container whose root is host uid 100000, next to a privileged one", async () => {
      const result = await json("deploy", "--commit", "c0ffee");
      expect(result.outcome).toBe("succeeded");
      const id = await inside("unpriv-web", "id -u; id -g; cat /proc/self/uid_map");
      expect(id.stdout.split(/\s+/).filter(Boolean)).toEqual(["0", "0", "0", "100000", "65536"]);
      // The host's view of the same process: an unprivileged uid.
      const status = await host(`grep -E '^(Uid|Gid):' /proc/$(lxc-info -n unpriv-web -P ${L} -p -H)/status`);
      expect(status).toBe("Uid:\t100000\t100000\t100000\t100000\nGid:\t100000\t100000\t100000\t100000\n");
      // The service user of the container is host uid 100000 + its own.
      const app = Number((await inside("unpriv-web", "id -u app")).stdout.trim());
      expect(await host("ps -o uid= -C python3 | sort -n | tail -n 1")).toContain(String(100_000 + app));
      const priv = await inside("priv-web", "id -u; cat /proc/self/uid_map");
      expect(priv.stdout.split(/\s+/).filter(Boolean)).toEqual(["0", "0", "0", "4294967295"]);
    }, 120_000);

    it("container root cannot read or write the host's root-only files where no mask covers them", async () => {
      const unpriv = await inside("unpriv-web", "cat /srv/ledger/root-only");
      expect(unpriv.code).not.toBe(0);
      expect(unpriv.stderr).toContain("Permission denied");
      const write = await inside("unpriv-web", "echo x >/srv/ledger/planted");
      expect(write.code).not.toBe(0);
      expect(await host("ls /srv/ledger")).not.toContain("planted");
      // The same file, through the same mount, is the privileged container's to read.
      expect((await inside("priv-web", "cat /srv/ledger/root-only")).stdout).toBe("host secret\n");
      // The masks still hide the host's secrets behind the idmapped lower.
      for (const name of ["unpriv-web", "priv-web"]) {
        const shadow = await inside(name, "cat /etc/shadow");
        expect(shadow.stderr).toContain("No such file or directory");
      }
    }, 60_000);

    it("keeps the container's files in its delta, owned by the mapped ids on the host", async () => {
      const w = await inside("unpriv-web", "echo data >/srv/written && chown app:app /srv/www/index.html");
      expect(w.code).toBe(0);
      const app = Number((await inside("unpriv-web", "id -u app")).stdout.trim());
      const d = `${L}/unpriv-web/delta0`;
      expect(await host(`stat -c '%u:%g %n' ${d} ${d}/srv/written ${d}/srv/www/index.html ${d}/root`)).toBe(
        `100000:100000 ${d}\n100000:100000 ${d}/srv/written\n${100_000 + app}:${100_000 + app} ${d}/srv/www/index.html\n100000:100000 ${d}/root\n`,
      );
      expect(await host(`stat -c %u ${L}/priv-web/delta0`)).toBe("0\n");
    }, 60_000);

    it("upgrade-hosts reaches it: after the restart it sees the new version and is healthy", async () => {
      const published = await publishDemoPackage("1.1", { stateDir: lab.stateDir });
      expect(published.kind).toBe("published");
      for (const name of ["unpriv-web", "priv-web"])
        expect((await inside(name, `cat ${VERSION_FILE}`)).stdout).toBe("1.0\n");
      const result = await json("upgrade-hosts", "demo-libfoo");
      expect(result.outcome).toBe("succeeded");
      for (const name of ["unpriv-web", "priv-web"]) {
        expect((await inside(name, `cat ${VERSION_FILE}`)).stdout).toBe("1.1\n");
        const ids = steps(result).filter((s) => s.id.startsWith(`${name}.`));
        expect(ids.map((s) => [s.id, s.status])).toContainEqual([`${name}.health`, "applied"]);
      }
      // Still unprivileged after LXC's own stop and start, and its files survived.
      expect((await inside("unpriv-web", "id -u; cat /srv/written")).stdout).toBe("0\ndata\n");
      expect(await host(`grep '^Uid:' /proc/$(lxc-info -n unpriv-web -P ${L} -p -H)/status`)).toBe(
        "Uid:\t100000\t100000\t100000\t100000\n",
      );
    }, 180_000);

    it("destroys it: the hook unmounted its root on stop, so its dir can go", async () => {
      unlinkSync(join(work, "containers", "unpriv-web.yml"));
      const result = await json("deploy", "--commit", "c0ffee");
      expect(result.outcome).toBe("succeeded");
      expect(await host(`ls ${L}`)).toBe("host\npriv-web\n");
      expect(await host(`findmnt -rn -o TARGET | grep '^${L}/' | sort`)).toBe(
        `${L}/host/idmap-100000-65536\n${L}/host/rootfs\n`,
      );
    }, 120_000);
  });
