import { describe, expect, it } from "vitest";
import { renderOperationResult } from "../../../src/core/markdown/renderOperationResult.js";
import { notApplied, type OperationResult, summarise } from "../../../src/core/operationResult.js";
import { deployResult, upgradeResult } from "./fixtures.js";
import { expectGolden } from "./golden.js";

/** The lines under the "Not applied" heading. */
function notAppliedList(md: string): string[] {
  const at = md.indexOf("#### Not applied\n");
  if (at < 0) return [];
  return md
    .slice(at)
    .split("\n")
    .filter((l) => l.startsWith("- "));
}

describe("renderOperationResult", () => {
  it("matches the golden upgrade over three hosts, halted after one failed", () => {
    expectGolden("upgrade-halted.md", renderOperationResult(upgradeResult));
  });

  it("matches the golden deploy with a failed step", () => {
    expectGolden("deploy-failed.md", renderOperationResult(deployResult));
  });

  it("names every host and step that was not applied", () => {
    expect(notAppliedList(renderOperationResult(deployResult))).toEqual([
      "- `host-b`: `start:billing-api` start billing-api (failed)",
      "- `host-b`: `health:billing-api` wait until billing-api is healthy (not run)",
      "- `host-b`: `destroy:old-api` destroy old-api (deletes its delta) (not run)",
    ]);
    const upgrade = notAppliedList(renderOperationResult(upgradeResult));
    expect(upgrade.at(-1)).toBe("- `host-c`: no step ran (not run)");
  });

  it("has no 'Not applied' list when the operation succeeded", () => {
    const ok: OperationResult = {
      ...upgradeResult,
      outcome: "succeeded",
      hosts: upgradeResult.hosts.slice(0, 1),
    };
    const md = renderOperationResult(ok);
    expect(md.split("\n")[0]).toBe("### ✅ upgrade-hosts succeeded");
    expect(notAppliedList(md)).toEqual([]);
  });

  it("keeps hostile output inside one fence that it cannot close", () => {
    const md = renderOperationResult(deployResult);
    const open = md.indexOf("````text\n");
    const close = md.indexOf("\n````\n", open);
    expect(open).toBeGreaterThan(0);
    const inside = md.slice(open, close);
    expect(inside).toContain("```\n</details>\n| not | a | table |\n<script>alert(1)</script>");
    // Outside the fence, the only <details> tags are the ones the report opened itself.
    const outside = md.slice(0, open) + md.slice(close);
    expect(outside.match(/<details>/g)?.length).toBe(outside.match(/<\/details>/g)?.length);
    expect(outside).not.toContain("<script>");
  });

  it("warns when a container sees another version than the host has, or still maps old files", () => {
    const host = upgradeResult.hosts[0];
    if (host === undefined) throw new Error("fixture");
    const stale: OperationResult = {
      ...upgradeResult,
      outcome: "succeeded",
      hosts: [
        {
          ...host,
          containers: [
            { name: "web", state: "running", sees: { libc6: "2.36-9+deb12u7" }, staleMappings: 3 },
          ],
        },
      ],
    };
    const md = renderOperationResult(stale);
    expect(md).toContain("`libc6` `2.36-9+deb12u7` ⚠️ host has `2.36-9+deb12u9`");
    expect(md).toContain("| ⚠️ 3 |");
    expect(md).toContain("> [!WARNING]\n> 1 container still map");
  });

  it("marks a dry run in the headline", () => {
    expect(renderOperationResult({ ...deployResult, dryRun: true }).split("\n")[0]).toBe(
      "### ❌ deploy failed (dry run)",
    );
  });
});

describe("summarise and notApplied", () => {
  it("count hosts, steps and stale containers", () => {
    const counts = summarise(upgradeResult);
    expect(counts.hosts).toEqual({ succeeded: 1, failed: 1, skipped: 0, unreachable: 0, "not-run": 1 });
    expect(counts.steps).toEqual({ applied: 3, failed: 1, "not-run": 1, skipped: 0 });
    expect(counts.staleContainers).toBe(0);
  });

  it("list skipped work as deliberate, not as missed", () => {
    const skipped: OperationResult = {
      ...deployResult,
      hosts: [
        {
          host: "h",
          platform: "p",
          outcome: "skipped",
          steps: [{ id: "s", description: "d", status: "skipped" }],
        },
      ],
    };
    expect(notApplied(skipped)).toEqual([]);
  });
});
