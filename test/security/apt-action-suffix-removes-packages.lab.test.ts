import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/adapters/cli/main.js";
import { DEMO_PLUS_PACKAGE, publishDemoPackage } from "../../src/adapters/lab/index.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";
import {
  createContainer,
  inContainer,
  labSkipReason,
  startUpgradeLab,
  takeLabTestLock,
  type UpgradeLab,
  webDefinition,
} from "../lab/upgradeFixture.js";

// Attack: `/upgrade-hosts openssh-server- lxc- demo-libfoo`. A trailing `-` is apt's "remove"
// action: handed to apt as typed, Debian 12's apt removes lxc and openssh-server from every host
// and the report says "succeeded". Played on a real lab host with real apt; then a real package
// whose name ends in `+` (like g++) must still upgrade.

describe.skipIf(labSkipReason !== undefined).sequential("attack: apt action suffixes remove packages", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  const def = webDefinition("web-1");
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const version = (pkg: string) => lab.sh("h1", ["dpkg-query", "-W", "-f=${Version}", pkg]);
  const installed = (pkg: string) =>
    lab.sh("h1", [
      "sh",
      "-c",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
      "dpkg-query -W -f='${db:Status-Status}' -- \"$1\" 2>/dev/null || true",
      "sh",
      pkg,
    ]);

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("attack-apt-suffix", 1);
    await createContainer(lab, "h1", def);
    expect((await publishDemoPackage("1.1", { stateDir: lab.stateDir })).kind).toBe("published");
  }, 1_500_000);

  afterAll(async () => {
    await lab?.close();
    release();
  }, 60_000);

  it("names ending in - fail the host before apt runs; nothing is removed", async () => {
    const status = await lab.sh("h1", ["stat", "-c", "%Y %s", "/var/lib/dpkg/status"]);
    const out = await upgradeHosts(
      {
        config: lab.config,
        packages: ["openssh-server-", "lxc-", "demo-libfoo"],
        dryRun: false,
        definitions: [def],
        holder: "attack",
      },
      { executor: lab.executor },
    );
    if (out.kind !== "done") throw new Error(out.message);
    expect(out.result.outcome).toBe("failed");
    const h1 = out.result.hosts[0];
    expect(h1?.outcome).toBe("failed");
    expect(h1?.error).toBe(
      "resolve openssh-server- lxc- demo-libfoo to installed packages failed (exit 1): E: openssh-server- is not an installed package on this host (dpkg-query -W -- openssh-server-); E: lxc- is not an installed package on this host (dpkg-query -W -- lxc-)",
    );
    expect(h1?.steps.find((s) => s.id === "resolve")?.output).toBe(
      [
        "E: openssh-server- is not an installed package on this host (dpkg-query -W -- openssh-server-)",
        "E: lxc- is not an installed package on this host (dpkg-query -W -- lxc-)",
      ].join("\n"),
    );
    expect(h1?.steps.filter((s) => s.status === "applied")).toEqual([]);
    expect(await installed("lxc")).toBe("installed");
    expect(await installed("openssh-server")).toBe("installed");
    expect(await version("demo-libfoo")).toBe("1.0");
    expect(await lab.sh("h1", ["stat", "-c", "%Y %s", "/var/lib/dpkg/status"])).toBe(status);
  }, 120_000);

  it("the CLI refuses the same way, with a failing exit code", async () => {
    let stdout = "";
    const io = {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: () => {},
      env: {},
      cwd: lab.scratchDir,
    };
    const code = await main(
      [
        "node",
        "hostroot",
        "upgrade-hosts",
        "lxc-",
        "-c",
        lab.info.configPath,
        "--key",
        lab.info.privateKeyPath,
      ],
      io,
    );
    expect(code).not.toBe(0);
    expect(stdout).toContain("E: lxc- is not an installed package on this host");
    expect(await installed("lxc")).toBe("installed");
  }, 120_000);

  it(`a real name ending in + (${DEMO_PLUS_PACKAGE}, Architecture all) upgrades as itself`, async () => {
    const out = await upgradeHosts(
      { config: lab.config, packages: [DEMO_PLUS_PACKAGE], dryRun: false, definitions: [def], holder: "t" },
      { executor: lab.executor },
    );
    if (out.kind !== "done") throw new Error(out.message);
    expect(out.result.hosts[0]?.error).toBeUndefined();
    expect(out.result.outcome).toBe("succeeded");
    expect(out.result.hosts[0]?.packages).toEqual([{ name: DEMO_PLUS_PACKAGE, before: "1.0", after: "1.1" }]);
    expect(out.result.hosts[0]?.containers?.[0]?.sees).toEqual({ [DEMO_PLUS_PACKAGE]: "1.1" });
    // Only that package changed: demo-libfoo (same repository, same new version) was left alone.
    expect(await version("demo-libfoo")).toBe("1.0");
    expect(await inContainer(lab, "h1", "web-1", ["cat", `/usr/share/${DEMO_PLUS_PACKAGE}/VERSION`])).toBe(
      "1.1\n",
    );
  }, 120_000);

  it("an upgrade that would make apt remove another package fails before changing anything", async () => {
    const status = await lab.sh("h1", ["stat", "-c", "%Y %s", "/var/lib/dpkg/status"]);
    // demo-libfoo 1.5 conflicts with demo-libfoo++: installing it means removing that package.
    const published = await publishDemoPackage("1.5", {
      stateDir: lab.stateDir,
      conflicts: [DEMO_PLUS_PACKAGE],
    });
    expect(published.kind).toBe("published");
    const out = await upgradeHosts(
      { config: lab.config, packages: ["demo-libfoo"], dryRun: false, definitions: [def], holder: "t" },
      { executor: lab.executor },
    );
    if (out.kind !== "done") throw new Error(out.message);
    const h1 = out.result.hosts[0];
    expect(h1?.outcome).toBe("failed");
    // apt itself refuses (--no-remove) before it downloads or runs dpkg; the refusal names them.
    expect(h1?.error).toBe(
      `apt-get install --only-upgrade --no-remove -y demo-libfoo failed (exit 1): E: apt would remove ${DEMO_PLUS_PACKAGE} (an upgrade never removes a package; nothing was changed)`,
    );
    expect(h1?.steps.map((s) => `${s.id}:${s.status}`).slice(0, 4)).toEqual([
      "resolve:applied",
      "apt-update:applied",
      "apt-install:failed",
      "host-root:not-run",
    ]);
    expect(h1?.containers?.map((c) => c.state)).toEqual(["running"]);
    expect(await installed(DEMO_PLUS_PACKAGE)).toBe("installed");
    expect(await version("demo-libfoo")).toBe("1.0");
    expect(await lab.sh("h1", ["stat", "-c", "%Y %s", "/var/lib/dpkg/status"])).toBe(status);
  }, 120_000);
});
