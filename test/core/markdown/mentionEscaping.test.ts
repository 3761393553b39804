import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  code,
  codeFence,
  escapeHtml,
  escapeMarkdown,
  htmlCode,
} from "../../../src/core/markdown/escapeMarkdown.js";
import { renderOperationResult } from "../../../src/core/markdown/renderOperationResult.js";
import { renderPlan } from "../../../src/core/markdown/renderPlan.js";
import { renderValidationReport } from "../../../src/core/markdown/renderValidationReport.js";
import type { OperationResult } from "../../../src/core/operationResult.js";
import { diagnostics, plan, upgradeResult } from "./fixtures.js";
import { mentions } from "./mentions.js";

describe("the mention finder the tests rely on", () => {
  it.each([
    ["hi @alice", ["@alice"]],
    ["ping @acme/ops please", ["@acme/ops"]],
    ["(@bob)", ["@bob"]],
    ["line<br>@carol", ["@carol"]],
    ["&#64;dave", ["@dave"]],
    ["\\`@erin", ["@erin"]],
    ["mail user@example.com", []],
    ["`@alice` and ``x @bob ``", []],
    ["<code>@alice</code>", []],
    ["```\n@alice\n```\nafter", []],
    ["@\u200balice", []],
  ])("finds in %j: %j", (markdown, found) => {
    expect(mentions(markdown)).toEqual(found);
  });
});

describe("escapeMarkdown and @ mentions", () => {
  it.each([
    ["@alice", "@&#8203;alice"],
    ["@acme/ops", "@&#8203;acme/ops"],
    ["cc @a, @b", "cc @&#8203;a, @&#8203;b"],
    ["@@x", "@&#8203;@&#8203;x"],
    ["root@host-1", "root@&#8203;host-1"],
  ])("%j becomes %j", (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
    expect(mentions(escapeMarkdown(text))).toEqual([]);
  });

  it("neutralises them in raw HTML too", () => {
    expect(escapeHtml("@alice")).toBe("@&#8203;alice");
    expect(mentions(`<summary>${escapeHtml("x @acme/ops")}</summary>`)).toEqual([]);
  });
});

/** Text a host or a definition could hand hostroot: mentions among markdown's special characters. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "@",
        "@alice",
        "@acme/ops",
        " ",
        "\n",
        "`",
        "``",
        "\\",
        "|",
        "<",
        ">",
        "&",
        "#",
        "*",
        "_",
      ),
      fc.constantFrom(
        "<code>",
        "</code>",
        "&#8203;",
        "```",
        "~~~",
        "a",
        "Z",
        "9",
        "-",
        "/",
        ".",
        "(",
        ")",
        "\u200b",
      ),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));
const RUNS = { seed: 7_2026, numRuns: 400 };

describe("no rendering of host or definition text mentions anyone (property)", () => {
  it("escapeMarkdown, code, htmlCode and codeFence", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(mentions(escapeMarkdown(text))).toEqual([]);
        expect(mentions(`| ${code(text)} |`)).toEqual([]);
        expect(mentions(htmlCode(text))).toEqual([]);
        expect(mentions(`before\n\n${codeFence(text, "text")}\nafter`)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("an operation report with that text as host error, step description and output, summary, platform", () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (a, b, c) => {
        const [first, second] = upgradeResult.hosts;
        const result: OperationResult = {
          ...upgradeResult,
          summary: a,
          hosts: [
            { ...(first as NonNullable<typeof first>), platform: b },
            {
              ...(second as NonNullable<typeof second>),
              error: c,
              steps: (second?.steps ?? []).map((s) => ({ ...s, description: a, output: b })),
            },
          ],
        };
        expect(mentions(renderOperationResult(result))).toEqual([]);
      }),
      RUNS,
    );
  });

  it("a plan with that text as reasons, warnings and errors, and a validation report with it as messages", () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        const planned = renderPlan(
          {
            steps: plan.steps.map((s) => ({ ...s, reason: a })),
            warnings: [b],
            // A plan error quotes an owner's name, which comes from a state file on a host.
            errors: [{ host: "web-1", container: "billing-api", message: a }],
          },
          { title: b },
        );
        expect(mentions(planned)).toEqual([]);
        const report = renderValidationReport(
          diagnostics.map((d) => ({ ...d, message: a })),
          { files: 2, repoUrl: "https://github.com/acme/containers", sha: "0".repeat(40) },
        );
        expect(mentions(report)).toEqual([]);
      }),
      RUNS,
    );
  });
});
