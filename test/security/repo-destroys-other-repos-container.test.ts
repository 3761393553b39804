import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploy } from "../../src/workflows/deploy.js";
import { restart } from "../../src/workflows/restart.js";
import { definition } from "../core/locatedFixture.js";
import { ScratchHost } from "./scratchHost.js";

// Attack: repository A's deploy (or /restart) reaches a container repository B deployed on a shared
// host: a definition of the same name reconfigures it, dropping B's definition destroys it.
const A = { id: "github:1001", name: "acme/web" };
const B = { id: "github:2002", name: "acme/billing" };

describe("a repository's deploy never touches another repository's containers", () => {
  let host: ScratchHost;
  beforeEach(() => {
    host = new ScratchHost();
    host.container("billing-api", B);
  });
  afterEach(() => host.close());

  const run = (names: string[]) =>
    deploy({
      config: host.config,
      definitions: names.map((n) => ({ file: `containers/${n}.yml`, definition: definition({ name: n }) })),
      executor: host,
      commit: "c0ffee",
      holder: "attack",
      owner: A,
    });

  it("A's deploy without B's definition does not destroy B's container", async () => {
    const out = await run(["web"]);
    expect(out.result.outcome).toBe("succeeded");
    expect(out.plan.steps.filter((s) => s.container === "billing-api")).toEqual([]);
    expect(host.stepIds().filter((id) => id.startsWith("billing-api."))).toEqual([]);
    expect(host.stepIds()).toContain("web.state");
  });

  it("A's definition of the same name is a plan error naming container, host and owner; nothing runs", async () => {
    const out = await run(["web", "billing-api"]);
    expect(out.plan.errors).toEqual([
      expect.objectContaining({
        host: "h1",
        container: "billing-api",
        message: expect.stringMatching(/billing-api on h1 belongs to acme\/billing \(github:2002\)/),
      }),
    ]);
    expect(out.result.outcome).toBe("failed");
    expect(out.result.summary).toMatch(/refused/);
    expect(host.scripts).toEqual([]);
  });

  it("A's restart --all and restart billing-api leave B's container alone", async () => {
    const restartAs = (target: { name: string } | { all: true }) =>
      restart({ config: host.config, definitions: [], executor: host, target, holder: "attack", owner: A });
    const all = await restartAs({ all: true });
    expect(all.hosts.flatMap((h) => h.containers ?? [])).toEqual([]);
    const named = await restartAs({ name: "billing-api" });
    expect(named.outcome).toBe("failed");
    expect(named.hosts[0]?.error).toMatch(/belongs to acme\/billing/);
    expect(host.scripts).toEqual([]);
  });
});
