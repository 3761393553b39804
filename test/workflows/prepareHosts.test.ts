import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/parseConfig.js";
import type { RemoteExecutor } from "../../src/ports/remoteExecutor.js";
import { prepareHosts } from "../../src/workflows/prepareHosts.js";

const config = parseConfig("examples/hostroot.yml", readFileSync("examples/hostroot.yml")).config?.value;

describe("hosts prepare --dry-run", () => {
  it("contacts no host and says what it would check, not a state it never looked at", async () => {
    if (!config) throw new Error("examples/hostroot.yml does not parse");
    let calls = 0;
    const executor: RemoteExecutor = {
      exec: async () => {
        calls++;
        throw new Error("a dry run must not run anything");
      },
      close: async () => {},
    };
    const r = await prepareHosts({ config, definitions: [], executor, holder: "test", dryRun: true });
    expect(calls).toBe(0);
    expect(r.summary).toContain("nothing written");
    const steps = r.hosts.flatMap((h) => h.steps);
    expect(steps.length).toBeGreaterThan(0);
    for (const s of steps) {
      expect(s.status).toBe("skipped");
      expect(s.description).toMatch(/^would check: .* \(dry run, host not contacted\)$/);
    }
    expect(steps.find((s) => s.id.endsWith("lxc"))?.description).toBe(
      "would check: LXC installed (dry run, host not contacted)",
    );
  });
});
