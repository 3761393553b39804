import { describe, expect, it } from "vitest";
import { renderValidationReport } from "../../../src/core/markdown/renderValidationReport.js";
import { diagnostics } from "./fixtures.js";
import { expectGolden } from "./golden.js";

const repo = {
  repoUrl: "https://github.com/acme/containers/",
  sha: "89abcdef0123456789abcdef0123456789abcdef",
};

describe("renderValidationReport", () => {
  it("matches the golden report for errors and warnings over two files", () => {
    expectGolden("validation-report.md", renderValidationReport(diagnostics, { files: 5, ...repo }));
  });

  it("links each location to its line at the reviewed commit", () => {
    const md = renderValidationReport(diagnostics, { files: 5, ...repo });
    expect(md).toContain(
      "(https://github.com/acme/containers/blob/89abcdef0123456789abcdef0123456789abcdef/containers/billing-api.yml#L12)",
    );
  });

  it("shows plain locations when there is no repository to link to", () => {
    const md = renderValidationReport(diagnostics, { files: 5 });
    expect(md).toContain("`containers/web.yml:9:5`");
    expect(md).not.toContain("](");
  });

  it("percent-encodes file names in links", () => {
    const d = { ...diagnostics[0], file: "containers/a b#c.yml" } as (typeof diagnostics)[0];
    expect(renderValidationReport([d], { files: 1, ...repo })).toContain("/containers/a%20b%23c.yml#L9)");
  });

  it("says every file is valid when there is nothing to report", () => {
    expect(renderValidationReport([], { files: 1 })).toBe("### ✅ 1 file valid\n");
  });

  it("stays valid (✅) when there are only warnings", () => {
    const warnings = diagnostics.filter((d) => d.severity === "warning");
    const md = renderValidationReport(warnings, { files: 3 });
    expect(md.split("\n")[0]).toBe("### ✅ 3 files valid");
    expect(md).toContain("1 warning in 1 file.");
  });
});
