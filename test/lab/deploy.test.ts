import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { main } from "../../src/adapters/cli/main.js";
import { formatOperationText } from "../../src/adapters/cli/operationText.js";
import { fsSourceReader } from "../../src/adapters/shared/fsSourceReader.js";
import type { Definition } from "../../src/core/definitionSchema.js";
import type { HostResult, OperationResult } from "../../src/core/operationResult.js";
import { shellQuote } from "../../src/core/shellQuote.js";
import { deploy } from "../../src/workflows/deploy.js";
import { validateSources } from "../../src/workflows/validateSources.js";
import { labSkipReason, startTestLab, type TestLab, takeLabTestLock } from "./labFixture.js";

/** A YAML document as a plain object, to edit a definition or config the way a person would. */
type Doc = { policy: Record<string, unknown>; [key: string]: unknown };

// One lab for this file, its tests in order, under the machine-wide lab test lock.
describe
  .skipIf(labSkipReason !== undefined)
  .sequential("deploy, status, restart, hosts prepare on the lab", () => {
    let release: () => void = () => {};
    let lab: TestLab;
    let work: string;
    const L = "/var/lib/lxc";

    /** Runs the CLI in-process in the work dir, against the lab; returns exit code and output. */
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
    async function deployJson(...args: string[]): Promise<OperationResult> {
      const r = await cli("deploy", "--commit", "c0ffee", "--format", "json", ...args);
      return JSON.parse(r.out) as OperationResult;
    }
    const host = (r: OperationResult, name: string) => r.hosts.find((h) => h.host === name) as HostResult;
    const status = (h: HostResult, id: string) => h.steps.find((s) => s.id === id)?.status;
    const writeDef = (name: string, def: Record<string, unknown>) =>
      writeFileSync(
        join(work, "containers", `${name}.yml`),
        stringify({ apiVersion: "hostroot/v1", platform: "debian-12", ...def }),
      );
    const editDef = (name: string, edit: (d: Doc) => void) => {
      const file = join(work, "containers", `${name}.yml`);
      const d = parse(readFileSync(file, "utf8")) as Doc;
      edit(d);
      writeFileSync(file, stringify(d));
    };
    /** Runs a sh script inside a container through lxc-attach, over the product's SSH executor. */
    const inside = (h: string, name: string, script: string) =>
      lab.executor.exec(
        lab.hosts.find((p) => p.name === h) as TestLab["hosts"][number],
        `${shellQuote(["lxc-attach", "-n", name, "-P", L, "--clear-env", "-v", "PATH=/usr/bin:/bin", "--", "sh", "-c", script])}\n`,
        { timeoutMs: 30_000 },
      );
    /** Every state file's mtime and every container's PID 1 on a host. */
    const fingerprint = (h: string) =>
      lab.sh(h, [
        "sh",
        "-c",
        `for f in ${L}/*/hostroot.json; do [ -f "$f" ] && stat -c '%n %Y.%y' "$f"; done; for d in ${L}/*/config; do n=\${d%/config}; n=\${n##*/}; echo "$n $(lxc-info -n "$n" -P ${L} -p -H)"; done; ls ${L}`,
      ]);
    /** Who runs where, from `hostroot status --format observed`. */
    async function placed(): Promise<string[]> {
      const r = await cli("status", "--format", "observed");
      const seen = JSON.parse(r.out) as {
        hosts: { host: string; containers: { name: string; running: boolean }[] }[];
      };
      return seen.hosts
        .flatMap((h) => h.containers.map((c) => `${h.host}:${c.name}:${c.running ? "running" : "stopped"}`))
        .sort();
    }

    beforeAll(async () => {
      release = await takeLabTestLock();
      lab = await startTestLab("deploy", 3);
      work = join(lab.stateDir, "work");
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      cpSync(new URL("../../examples/containers", import.meta.url), join(work, "containers"), {
        recursive: true,
      });
      const config = parse(readFileSync(lab.info.configPath, "utf8")) as Doc;
      config.policy = { ...config.policy, definitionsPath: "containers" };
      writeFileSync(join(work, "hostroot.yml"), stringify(config));
    }, 1_200_000);

    afterAll(async () => {
      await lab?.close();
      release();
    }, 60_000);

    it("hosts prepare binds / read-only, creates lxcbr0, and changes nothing the second time", async () => {
      const first = await cli("hosts", "prepare", "--format", "json");
      expect(first.code).toBe(0);
      const r1 = JSON.parse(first.out) as OperationResult;
      for (const h of r1.hosts) {
        expect(status(h, "prepare.host-root")).toBe("applied");
        expect(status(h, "prepare.bridge.lxcbr0")).toBe("applied");
      }
      const second = JSON.parse((await cli("hosts", "prepare", "--format", "json")).out) as OperationResult;
      expect(second.hosts.flatMap((h) => h.steps).every((s) => s.status === "skipped")).toBe(true);
      const mounts = await lab.sh("h1", [
        "awk",
        `$5 == "${L}/host/rootfs" { print $4, $6 }`,
        "/proc/self/mountinfo",
      ]);
      expect(mounts.trim()).toMatch(/^\/ ro\b/);
    }, 60_000);

    it("deploys the examples: containers on the right hosts, services healthy", async () => {
      const r = await deployJson();
      expect(r.outcome).toBe("succeeded");
      const where = await placed();
      expect(where.filter((p) => p.includes(":billing-api:running"))).toHaveLength(2);
      // invoice-worker is placed by label zone=b: only h2 carries it in the lab.
      expect(where).toContain("h2:invoice-worker:running");
      expect(where.filter((p) => p.includes(":ledger:running"))).toHaveLength(1);
      const healthSteps = r.hosts.flatMap((h) => h.steps).filter((s) => s.id.endsWith(".health"));
      expect(healthSteps.length).toBe(3);
      expect(healthSteps.every((s) => s.status === "applied")).toBe(true);
      const billingHost = where.find((p) => p.includes(":billing-api:"))?.split(":")[0] as string;
      const page = await inside(
        billingHost,
        "billing-api",
        'python3 -c "import urllib.request as u; print(u.urlopen(\\"http://127.0.0.1:8080/\\").read().decode())"',
      );
      expect(page.stdout).toContain(`billing on ${billingHost}`);
    }, 120_000);

    it("redeploying with no change does nothing and writes nothing", async () => {
      const before = await Promise.all(lab.hosts.map((h) => fingerprint(h.name)));
      const r = await deployJson();
      expect(r.summary).toMatch(/No changes/);
      expect(r.hosts.every((h) => h.outcome === "skipped" && h.steps.length === 0)).toBe(true);
      expect(await Promise.all(lab.hosts.map((h) => fingerprint(h.name)))).toEqual(before);
    }, 60_000);

    it("a changed field is exactly one reconfigure: full stop/start, new config seen inside", async () => {
      const ledgerHost = (await placed()).find((p) => p.includes(":ledger:"))?.split(":")[0] as string;
      const pid1 = async () =>
        (await lab.sh(ledgerHost, ["lxc-info", "-n", "ledger", "-P", L, "-p", "-H"])).trim();
      const before = await pid1();
      const ro = async () =>
        (await inside(ledgerHost, "ledger", 'grep " /srv/ledger " /proc/self/mounts')).stdout;
      expect(await ro()).toMatch(/ ro[, ]/);
      editDef("ledger", (d) => {
        const mounts = d.mounts as { readOnly: boolean }[];
        (mounts[0] as { readOnly: boolean }).readOnly = false;
      });
      const plan = await cli("plan", "--format", "json");
      const steps = (JSON.parse(plan.out) as { steps: { kind: string; container: string }[] }).steps.filter(
        (s) => s.kind !== "noop",
      );
      expect(steps).toEqual([expect.objectContaining({ kind: "reconfigure", container: "ledger" })]);
      const r = await deployJson();
      expect(r.outcome).toBe("succeeded");
      const ran = r.hosts.flatMap((h) => h.steps.map((s) => s.id));
      expect(ran).toContain("ledger.stop");
      expect(ran.filter((id) => !id.startsWith("ledger.") && id !== "host.guard")).toEqual([]);
      expect(await pid1()).not.toBe(before);
      expect(await ro()).toMatch(/ rw[, ]/);
    }, 90_000);

    it("a removed definition is destroyed; the others and the host root bind are untouched", async () => {
      const others = async () =>
        (await fingerprint("h2")).split("\n").filter((l) => !l.includes("invoice-worker"));
      const before = await others();
      rmSync(join(work, "containers", "invoice-worker.yml"));
      const r = await deployJson();
      expect(r.outcome).toBe("succeeded");
      expect(host(r, "h2").steps.map((s) => s.id)).toEqual([
        "host.guard",
        "invoice-worker.stop",
        "invoice-worker.remove",
      ]);
      expect(
        await lab.sh("h2", ["sh", "-c", `test -e ${L}/invoice-worker && echo present || echo gone`]),
      ).toBe("gone\n");
      expect(await others()).toEqual(before);
      const status = JSON.parse((await cli("status", "--format", "json")).out) as OperationResult;
      expect(status.hosts.every((h) => h.outcome === "succeeded")).toBe(true);
      for (const h of lab.hosts) await lab.sh(h.name, ["mountpoint", "-q", `${L}/host/rootfs`]);
    }, 60_000);

    it("masks host secrets and other containers' deltas from inside a container", async () => {
      const billingHost = (await placed()).find((p) => p.includes(":billing-api:"))?.split(":")[0] as string;
      const sees = (script: string) => inside(billingHost, "billing-api", script);
      // The host has them: the lower layer is its real root.
      await lab.sh(billingHost, ["test", "-s", "/etc/ssh/ssh_host_ed25519_key"]);
      await lab.sh(billingHost, ["test", "-s", "/root/.ssh/authorized_keys"]);
      expect((await sees("cat /etc/shadow")).code).not.toBe(0);
      expect((await sees("cat /etc/ssh/ssh_host_ed25519_key")).code).not.toBe(0);
      expect((await sees("ls -A /root")).stdout.trim()).toBe("");
      expect((await sees("cat /root/.ssh/authorized_keys")).code).not.toBe(0);
      expect((await sees(`ls -A ${L}`)).stdout.trim()).toBe("");
      expect((await sees(`cat ${L}/billing-api/hostroot.json`)).code).not.toBe(0);
      expect((await sees(`ls ${L}/host/rootfs/etc`)).code).not.toBe(0);
    }, 60_000);

    it("a failing health check fails its host at that step; later steps are not run and nothing is half-made", async () => {
      writeDef("broken", {
        name: "broken",
        placement: { hosts: ["h1"] },
        health: { command: ["false"], retries: 0 },
      });
      writeDef("later", { name: "later", placement: { hosts: ["h1"] } });
      const before = await fingerprint("h1");
      const dry = await deployJson("--dry-run");
      expect(dry.hosts.flatMap((h) => h.steps.map((s) => s.id))).toContain("broken.health");
      const out = await cli("deploy", "--commit", "c0ffee", "--format", "json");
      expect(out.code).toBe(1);
      const real = JSON.parse(out.out) as OperationResult;
      const h1 = host(real, "h1");
      expect(h1.outcome).toBe("failed");
      expect(h1.steps.find((s) => s.status === "failed")?.id).toBe("broken.health");
      expect(h1.steps.filter((s) => s.id.startsWith("later.")).every((s) => s.status === "not-run")).toBe(
        true,
      );
      expect(status(h1, "broken.state")).toBe("not-run");
      expect(status(h1, "broken.rollback-remove")).toBe("applied");
      expect(h1.error).toMatch(/broken\.health failed.*rolled back the unfinished create of broken/);
      expect(formatOperationText(real)).toMatch(/Not applied:[\s\S]*h1: later\.start \(not-run\)/);
      expect(await fingerprint("h1")).toEqual(before);
      rmSync(join(work, "containers", "later.yml"));
      rmSync(join(work, "containers", "broken.yml"));
    }, 90_000);

    it("a step over the policy's command timeout is killed and reported", async () => {
      writeDef("slow", { name: "slow", placement: { hosts: ["h3"] }, setup: [["sleep", "60"]] });
      const config = parse(readFileSync(join(work, "hostroot.yml"), "utf8")) as Doc;
      config.policy.rollout = { ...(config.policy.rollout as object), commandTimeoutSeconds: 2 };
      writeFileSync(join(work, "short.yml"), stringify(config));
      const started = Date.now();
      const r = JSON.parse(
        (await cli("deploy", "--config", "short.yml", "--commit", "c0ffee", "--format", "json")).out,
      ) as OperationResult;
      expect(Date.now() - started).toBeLessThan(30_000);
      const failed = host(r, "h3").steps.find((s) => s.status === "failed");
      expect(failed?.id).toBe("slow.setup.1");
      expect(failed?.exitCode).toBe(124);
      expect(failed?.description).toMatch(/timed out after 2 s/);
      expect(r.outcome === "failed" || r.outcome === "halted").toBe(true);
      rmSync(join(work, "containers", "slow.yml"));
      expect(await lab.sh("h3", ["sh", "-c", `test -e ${L}/slow && echo present || echo gone`])).toBe(
        "gone\n",
      );
    }, 60_000);

    it("a dry run plans the steps and writes nothing", async () => {
      writeDef("extra", { name: "extra", placement: { hosts: ["h2"] } });
      const before = await Promise.all(lab.hosts.map((h) => fingerprint(h.name)));
      const r = await deployJson("--dry-run");
      expect(r.dryRun).toBe(true);
      const h2 = host(r, "h2");
      expect(h2.steps.map((s) => s.id)).toContain("extra.start");
      expect(h2.steps.every((s) => s.status === "skipped")).toBe(true);
      expect(await Promise.all(lab.hosts.map((h) => fingerprint(h.name)))).toEqual(before);
      rmSync(join(work, "containers", "extra.yml"));
    }, 60_000);

    it("two deploys at once on one host serialise through the host lock; the second names the holder", async () => {
      // A's setup blocks until the test lets it go, so the order is decided by events, not by time:
      // A holds the host lock, B is seen waiting for it, then A is released.
      const gate = "/tmp/hostroot-test-go";
      writeDef("twin", {
        name: "twin",
        placement: { hosts: ["h1"] },
        setup: [["sh", "-c", `while [ ! -e ${gate} ]; do sleep 0.1; done`]],
      });
      const outcome = await validateSources(fsSourceReader(work), { configPath: "hostroot.yml" });
      const config = outcome.config?.value as NonNullable<typeof outcome.config>["value"];
      const definitions = outcome.definitions.map((d) => ({
        file: d.file,
        definition: d.value as Definition,
      }));
      // The CLI's default owner: local:<work dir>, so both deploys act as the CLI deploys above did.
      const owner = { id: "local:work", name: "work" };
      const run = (holder: string) =>
        deploy({ config, definitions, executor: lab.executor, commit: "c0ffee", holder, owner });
      const until = async (what: string, check: () => Promise<boolean>) => {
        for (let i = 0; i < 600; i++) {
          if (await check()) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`timed out waiting until ${what}`);
      };
      const sh = (script: string) => lab.sh("h1", ["sh", "-c", script]).catch(() => "");
      const deployA = run("deploy A");
      await until("deploy A holds the lock", async () =>
        (await sh("cat /run/hostroot/host.lock.holder")).includes('"deploy A"'),
      );
      const deployB = run("deploy B");
      await until("deploy B waits for the lock", async () =>
        /flock -w/.test(await sh("ps -eo args | grep '^flock -w' || true")),
      );
      // A holding the lock does not mean twin has started yet: wait for it, by its state.
      await until("twin runs", async () => (await sh(`lxc-info -n twin -P ${L} -s -H`)).trim() === "RUNNING");
      // Through the container, not into its delta: overlayfs may keep a cached "no such file".
      await lab.sh("h1", ["lxc-attach", "-n", "twin", "-P", L, "--", "touch", gate]);
      const [a, b] = await Promise.all([deployA, deployB]);
      const results = [a.result, b.result];
      for (const r of results) expect(r.outcome).toBe("succeeded");
      const created = results.filter((r) => status(host(r, "h1"), "twin.state") === "applied");
      expect(created).toHaveLength(1);
      const waited = results.find((r) => r !== created[0]) as OperationResult;
      const lock = host(waited, "h1").steps.find((s) => s.id === "lock");
      expect(created[0]).toBe(a.result);
      expect(lock?.description).toContain("held by deploy A");
      expect(status(host(waited, "h1"), "replan")).toBe("applied");
      expect(await placed()).toContain("h1:twin:running");
    }, 90_000);

    it("restart does a full stop and start and runs the health check", async () => {
      const billingHosts = (await placed())
        .filter((p) => p.includes(":billing-api:"))
        .map((p) => p.split(":")[0] as string);
      const pid = (h: string) => lab.sh(h, ["lxc-info", "-n", "billing-api", "-P", L, "-p", "-H"]);
      const before = await Promise.all(billingHosts.map(pid));
      const r = await cli("restart", "billing-api", "--format", "json");
      expect(r.code).toBe(0);
      const res = JSON.parse(r.out) as OperationResult;
      const containers = res.hosts.flatMap((h) => h.containers ?? []);
      expect(containers).toHaveLength(2);
      expect(containers.every((c) => c.state === "running" && c.healthy === true)).toBe(true);
      const after = await Promise.all(billingHosts.map(pid));
      for (const [i, p] of after.entries()) expect(p).not.toBe(before[i]);
    }, 60_000);
  });
