import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishDemoPackage } from "../../src/adapters/lab/index.js";
import { affected } from "../../src/workflows/affected.js";
import { upgradeHosts } from "../../src/workflows/upgradeHosts.js";
import { labSkipReason, startUpgradeLab, takeLabTestLock, type UpgradeLab } from "../lab/upgradeFixture.js";

// Attack: `/upgrade-hosts demo-libfo.` — a valid-looking Debian name that no package has. apt
// falls back to reading it as a regular expression and upgrades every package it matches
// (demo-libfoo and demo-libfoo++ here; `openssl.` matches dozens), while the report names a
// package that does not exist and says "succeeded". Played on a real lab host with real apt.

describe.skipIf(labSkipReason !== undefined).sequential("attack: apt's regex fallback", () => {
  let release: () => void = () => {};
  let lab: UpgradeLab;
  const versions = () =>
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    lab.sh("h1", ["dpkg-query", "-W", "-f=${Package} ${Version}\\n", "demo-libfoo", "demo-libfoo++"]);

  beforeAll(async () => {
    release = await takeLabTestLock();
    lab = await startUpgradeLab("attack-apt-regex", 1);
    expect((await publishDemoPackage("1.1", { stateDir: lab.stateDir })).kind).toBe("published");
  }, 1_500_000);

  afterAll(async () => {
    await lab?.close();
    release();
  }, 60_000);

  for (const dryRun of [true, false]) {
    it(`a name no package has fails the host before apt runs${dryRun ? " (dry run)" : ""}`, async () => {
      const out = await upgradeHosts(
        { config: lab.config, packages: ["demo-libfo."], dryRun, definitions: [], holder: "attack" },
        { executor: lab.executor },
      );
      if (out.kind !== "done") throw new Error(out.message);
      expect(out.result.outcome).toBe("failed");
      expect(out.result.hosts[0]?.error).toBe(
        "resolve demo-libfo. to installed packages failed (exit 1): E: demo-libfo. is not an installed package on this host (dpkg-query -W -- demo-libfo.)",
      );
      expect(out.result.hosts[0]?.steps.filter((s) => s.status === "applied")).toEqual([]);
      expect(await versions()).toBe("demo-libfoo 1.0\ndemo-libfoo++ 1.0\n");
    }, 120_000);
  }

  it("affected answers for that name alone: not installed, the host failed, no match by pattern", async () => {
    const out = await affected(
      { config: lab.config, packages: ["demo-libfo."], holder: "attack" },
      { executor: lab.executor },
    );
    if (out.kind !== "done") throw new Error(out.message);
    expect(out.result.hosts[0]).toMatchObject({
      outcome: "failed",
      error: "not an installed package on this host: demo-libfo.",
      packages: [{ name: "demo-libfo." }],
    });
  }, 120_000);
});
