import { describe, expect, it } from "vitest";
import type { HostResult } from "../../src/core/operationResult.js";
import { notRunHost, runRollout } from "../../src/workflows/runRollout.js";

const hosts = ["h1", "h2", "h3", "h4"].map((name) => ({ name, platform: "p" }));
const ok = (h: { name: string }): HostResult => ({
  host: h.name,
  platform: "p",
  outcome: "succeeded",
  steps: [],
});

describe("runRollout", () => {
  it("a throwing host is settled failed and spends the failure budget: later batches are not run", async () => {
    const ran: string[] = [];
    const out = await runRollout(
      hosts,
      { canary: 1, batchSize: 3, maxFailures: 0, concurrency: 3 },
      async (h) => {
        ran.push(h.name);
        if (h.name === "h1") throw new Error("ssh2 exploded\nwith a stack");
        return ok(h);
      },
      notRunHost,
    );
    expect(ran).toEqual(["h1"]);
    expect(out.halted).toBe(true);
    expect(out.hosts.map((h) => [h.host, h.outcome, h.error])).toEqual([
      ["h1", "failed", "hostroot failed on this host: ssh2 exploded"],
      ["h2", "not-run", undefined],
      ["h3", "not-run", undefined],
      ["h4", "not-run", undefined],
    ]);
  });

  it("when reporting a host throws, no further host starts, running ones finish, then the error is thrown", async () => {
    const finished: string[] = [];
    let releaseH2: () => void = () => {};
    const h2Gate = new Promise<void>((r) => {
      releaseH2 = r;
    });
    const run = runRollout(
      hosts,
      { canary: 0, batchSize: 4, maxFailures: 4, concurrency: 2 },
      async (h) => {
        if (h.name === "h2") await h2Gate;
        finished.push(h.name);
        return ok(h);
      },
      notRunHost,
      {
        onHostDone: (r) => {
          if (r.host === "h1") {
            // h2 is still running when the report fails; it is let go only now.
            releaseH2();
            throw new Error("comment edit failed");
          }
        },
      },
    );
    await expect(run).rejects.toThrow("comment edit failed");
    expect(finished).toEqual(["h1", "h2"]);
  });

  it("opens the next batch's connections while a batch runs, and none once the rollout halted", async () => {
    const events: string[] = [];
    const seven = ["h1", "h2", "h3", "h4", "h5", "h6", "h7"].map((name) => ({ name, platform: "p" }));
    const settings = { canary: 1, batchSize: 3, maxFailures: 0, concurrency: 3 };
    const out = await runRollout(
      seven,
      settings,
      async (h) => {
        events.push(`run ${h.name}`);
        return ok(h);
      },
      notRunHost,
      { connectAhead: (next) => events.push(`ahead ${next.map((h) => h.name).join(",")}`) },
    );
    expect(out.hosts.every((h) => h.outcome === "succeeded")).toBe(true);
    // Each batch's hosts are connected to before the batch in front of them has run.
    expect(events).toEqual([
      "ahead h2,h3,h4",
      "run h1",
      "ahead h5,h6,h7",
      "run h2",
      "run h3",
      "run h4",
      "run h5",
      "run h6",
      "run h7",
    ]);

    // The canary fails: the batches after it are never connected to beyond the first look-ahead.
    const halted: string[] = [];
    await runRollout(
      seven,
      settings,
      async (h) => (h.name === "h1" ? { ...ok(h), outcome: "failed" } : ok(h)),
      notRunHost,
      { connectAhead: (next) => halted.push(next.map((h) => h.name).join(",")) },
    );
    expect(halted).toEqual(["h2,h3,h4"]);
  });
});
