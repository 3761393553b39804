import { describe, expect, it } from "vitest";
import type { PoolHost } from "../../src/core/configSchema.js";
import type { ExecResult, RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { deploy } from "../../src/workflows/deploy.js";
import { observePool } from "../../src/workflows/observePool.js";
import { definition, poolConfig } from "../core/locatedFixture.js";

// Attack: a host's output is flooded until the SSH executor's capture cap cuts it (stderr here, so
// the records on stdout still end in `done`): the report was taken as a quiet success, and a plan
// made from the cut view would act on a host it did not fully see.
const config = poolConfig({ "debian-12": [{ name: "h1" }] });
const STATUS = [
  "::hostroot-status root mounted",
  `::hostroot-status digest ${"0".repeat(64)}`,
  "::hostroot-status done",
  "",
].join("\n");

class CutExecutor implements RemoteExecutor {
  readonly scripts: string[] = [];
  async exec(_host: PoolHost, script: string): Promise<ExecResult> {
    this.scripts.push(script);
    return {
      code: 0,
      signal: null,
      stdout: STATUS,
      stderr: "x".repeat(1000),
      durationMs: 1,
      truncated: true,
    };
  }
  async close(): Promise<void> {}
}

describe("a status report cut at the output cap is a failure, not a quiet success", () => {
  it("status says the host failed", async () => {
    const seen = await observePool(new CutExecutor(), config);
    expect(seen.result.outcome).toBe("failed");
    expect(seen.result.hosts[0]?.outcome).toBe("failed");
    expect(seen.result.hosts[0]?.error).toMatch(/cut off at the output limit/);
    expect(seen.observed.hosts[0]?.reachable).toBe(false);
  });

  it("a deploy plans nothing there and runs nothing there", async () => {
    const executor = new CutExecutor();
    const out = await deploy({
      config,
      definitions: [{ file: "containers/web.yml", definition: definition({ name: "web" }) }],
      executor,
      commit: "c0ffee",
      holder: "attack",
      owner: { id: "github:1", name: "acme/web" },
    });
    expect(out.result.outcome).toBe("failed");
    expect(out.result.hosts[0]?.outcome).toBe("failed");
    expect(executor.scripts).toHaveLength(1);
  });

  it("a deploy script whose output lost its head at the cap fails its host instead of passing", async () => {
    const scripts: string[] = [];
    const executor: RemoteExecutor = {
      async exec(_host, script) {
        scripts.push(script);
        if (!script.includes("::hostroot-step"))
          return { code: 0, signal: null, stdout: STATUS, stderr: "", durationMs: 1 };
        const ids = [...script.matchAll(/'::hostroot-step ([A-Za-z0-9._:-]+) begin -'/g)].map((m) => m[1]);
        // Only the tail survived: the last step's markers and the final line.
        const tail = [
          `::hostroot-step ${ids.at(-1)} begin -`,
          `::hostroot-step ${ids.at(-1)} ok 0`,
          "::hostroot-done",
        ];
        return {
          code: 0,
          signal: null,
          stdout: `${tail.join("\n")}\n`,
          stderr: "",
          durationMs: 1,
          truncated: true,
        };
      },
      async close() {},
    };
    const out = await deploy({
      config,
      definitions: [{ file: "containers/web.yml", definition: definition({ name: "web" }) }],
      executor,
      commit: "c0ffee",
      holder: "attack",
      owner: { id: "github:1", name: "acme/web" },
    });
    expect(out.result.hosts[0]?.outcome).toBe("failed");
    expect(out.result.hosts[0]?.error).toMatch(/cut at the output limit/);
  });
});
