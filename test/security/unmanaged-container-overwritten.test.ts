import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { poolHosts } from "../../src/core/configSchema.js";
import { definitionHash, policyMasks } from "../../src/core/definitionHash.js";
import { hostScript } from "../../src/core/hostScript.js";
import { hostSteps } from "../../src/core/hostSteps.js";
import { deploy } from "../../src/workflows/deploy.js";
import { definition } from "../core/locatedFixture.js";
import { ScratchHost } from "./scratchHost.js";

// Attack: a definition named like an LXC container hostroot did not create (the host's own
// `legacy-db`) makes a create that adopts its directory, overwrites its config, and on failure
// rolls back with `rm -rf` of a directory hostroot never made.
const A = { id: "github:1001", name: "acme/web" };

describe("an LXC container hostroot did not create is never taken over", () => {
  let host: ScratchHost;
  beforeEach(() => {
    host = new ScratchHost();
    host.unmanaged("legacy-db");
  });
  afterEach(() => host.close());

  it("a definition of that name is a plan error; no script reaches the host", async () => {
    const out = await deploy({
      config: host.config,
      definitions: [{ file: "containers/legacy-db.yml", definition: definition({ name: "legacy-db" }) }],
      executor: host,
      commit: "c0ffee",
      holder: "attack",
      owner: A,
    });
    expect(out.plan.errors.map((e) => `${e.host} ${e.container}`)).toEqual(["h1 legacy-db"]);
    expect(out.plan.errors[0]?.message).toMatch(/hostroot did not create/);
    expect(out.result.outcome).toBe("failed");
    expect(host.scripts).toEqual([]);
  });

  it("a deploy without it never destroys it", async () => {
    const out = await deploy({
      config: host.config,
      definitions: [],
      executor: host,
      commit: "c0ffee",
      holder: "attack",
      owner: A,
    });
    expect(out.plan.steps).toEqual([]);
    expect(host.scripts).toEqual([]);
  });

  it("a create whose mkdir met a directory that appeared after the plan is not rolled back with rm -rf", async () => {
    const fresh = new ScratchHost();
    try {
      fresh.fail = /^late\.dir$/;
      const out = await deploy({
        config: fresh.config,
        definitions: [{ file: "containers/late.yml", definition: definition({ name: "late" }) }],
        executor: fresh,
        commit: "c0ffee",
        holder: "attack",
        owner: A,
      });
      expect(out.result.outcome).toBe("failed");
      expect(fresh.stepIds().filter((id) => id.startsWith("late.rollback"))).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it("the create's own mkdir fails on an existing directory, before anything is written into it", () => {
    const def = definition({ name: "legacy-db" });
    const [h1] = poolHosts(host.config);
    if (!h1) throw new Error("no host");
    const steps = hostSteps(
      {
        kind: "create",
        host: "h1",
        container: "legacy-db",
        replica: 0,
        definitionHash: definitionHash(def, policyMasks(host.config)),
        destructive: false,
        reason: "attack",
      },
      { host: h1, config: host.config, definition: def, commit: "", deployedAt: "x", owner: A },
    );
    // Only the two mkdir steps, for real, against the scratch lxcPath.
    const script = hostScript(steps.slice(0, 2));
    const r = spawnSync("sh", ["-s"], { input: script, encoding: "utf8" });
    expect(r.stdout).toContain("::hostroot-step legacy-db.dir failed");
    expect(existsSync(join(host.lxcPath, "legacy-db", "delta0"))).toBe(false);
    expect(existsSync(join(host.lxcPath, "legacy-db", "rootfs"))).toBe(true);
  });
});
