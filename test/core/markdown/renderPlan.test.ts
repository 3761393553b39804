import { describe, expect, it } from "vitest";
import { renderPlan } from "../../../src/core/markdown/renderPlan.js";
import { plan } from "./fixtures.js";
import { expectGolden } from "./golden.js";

describe("renderPlan", () => {
  it("matches the golden plan with every step kind", () => {
    expectGolden("plan.md", renderPlan(plan, { commit: "89abcdef0123456789abcdef0123456789abcdef" }));
  });

  it("calls out each destroy in a caution alert saying the delta is deleted", () => {
    const md = renderPlan(plan);
    const alert = md.slice(md.indexOf("> [!CAUTION]")).split("\n\n")[0] ?? "";
    expect(alert).toContain("deletes the container's delta (its data)");
    expect(alert).toContain("`old-api` on `host-b`");
  });

  it("has no caution alert when nothing is destroyed", () => {
    const safe = { ...plan, steps: plan.steps.filter((s) => s.kind !== "destroy") };
    expect(renderPlan(safe)).not.toContain("[!CAUTION]");
    expect(renderPlan(safe)).toContain("0 to DESTROY");
  });

  it("folds unchanged containers away and lists changes per host", () => {
    const md = renderPlan(plan);
    const folded = md.slice(md.indexOf("<details>"));
    expect(folded).toContain("2 containers unchanged");
    expect(folded).toContain("`cache`");
    expect(md.indexOf("#### `host-a`")).toBeLessThan(md.indexOf("#### `host-b`"));
  });

  it("calls out plan errors first: container, host and why, and that the deploy would change nothing", () => {
    const md = renderPlan({
      ...plan,
      errors: [
        {
          host: "host-a",
          container: "billing-api",
          message: "billing-api on host-a belongs to acme/billing (github:2002), not acme/web (github:1001)",
        },
      ],
    });
    const alert = md.slice(md.indexOf("> [!CAUTION]")).split("\n\n")[0] ?? "";
    expect(alert).toContain("1 error: this plan cannot be deployed.");
    expect(alert).toContain("`billing-api` on `host-a`: billing-api on host-a belongs to acme/billing");
  });

  it("says 'No changes' for a plan of noops only", () => {
    const md = renderPlan({ steps: plan.steps.filter((s) => s.kind === "noop"), warnings: [], errors: [] });
    expect(md).toContain("**No changes.**");
    expect(md).not.toContain("####");
  });

  it("says 'No changes' for an empty plan and escapes a custom title", () => {
    expect(renderPlan({ steps: [], warnings: [], errors: [] }, { title: "plan for <main>" })).toBe(
      "### 📋 plan for &lt;main&gt;\n\n**No changes.**\n",
    );
  });
});

describe("renderPlan with hostile text", () => {
  it("keeps a reason with pipes, fences and tags inside its table cell", () => {
    const step = plan.steps[0];
    if (step === undefined) throw new Error("fixture changed");
    const md = renderPlan({
      steps: [{ ...step, reason: "x | ``` <script>alert(1)</script>\n| y |" }],
      warnings: [],
      errors: [],
    });
    const rows = md.split("\n").filter((l) => l.startsWith("| "));
    expect(rows).toHaveLength(3);
    expect(rows[2]).toBe(
      "| ➕ create | `billing-api` | `containers/billing-api.yml` | x \\| \\`\\`\\` &lt;script&gt;alert(1)&lt;/script&gt;<br>\\| y \\| |",
    );
  });
});
