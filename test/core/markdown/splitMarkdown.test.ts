import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GITHUB_COMMENT_LIMIT } from "../../../src/adapters/shared/githubCommentLimit.js";
import { codeFence } from "../../../src/core/markdown/escapeMarkdown.js";
import { markdownTable } from "../../../src/core/markdown/markdownTable.js";
import { renderOperationResult } from "../../../src/core/markdown/renderOperationResult.js";
import { partHeader, splitMarkdown, splitMarkdownParts } from "../../../src/core/markdown/splitMarkdown.js";
import type { OperationResult } from "../../../src/core/operationResult.js";
import { deployResult } from "./fixtures.js";

/**
 * An independent reading of a part as GitHub would render it on its own: whether every code fence
 * closes, and whether any </details> comes before its <details> or one is left open.
 */
function structure(part: string): { fenceOpen: boolean; detailsBalanced: boolean } {
  let fence: string | null = null;
  let depth = 0;
  let balanced = true;
  for (const line of part.split("\n")) {
    if (fence !== null) {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (close !== undefined && close[0] === fence[0] && close.length >= fence.length) fence = null;
      continue;
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (open !== undefined) fence = open;
    else if (/^ {0,3}<\/?details/i.test(line)) {
      for (const tag of line.match(/<\/?details\b[^>]*>/gi) ?? []) {
        depth += tag.startsWith("</") ? -1 : 1;
        if (depth < 0) balanced = false;
      }
    }
  }
  return { fenceOpen: fence !== null, detailsBalanced: balanced && depth === 0 };
}

// Text that tries hard to look like structure: pipes, backticks, tags, emoji (surrogate pairs).
const unit = fc.constantFrom(
  "a",
  "b",
  "c",
  " ",
  " ",
  "|",
  "`",
  "<",
  ">",
  "&",
  "*",
  "_",
  "#",
  "\\",
  "é",
  "😀",
  "🎉",
);
const textLine = fc.string({ unit, maxLength: 60 }).map((s) => `t${s}`);
const longLine = fc.string({ unit, minLength: 400, maxLength: 3000 }).map((s) => `t${s}`);
const anyText = fc.oneof({ weight: 8, arbitrary: textLine }, { weight: 1, arbitrary: longLine });
const hostileLine = fc.constantFrom(
  "```",
  "````",
  "~~~",
  "</details>",
  "<details><summary>x</summary>",
  "| a |",
  "",
);
const paragraph = fc.array(anyText, { minLength: 1, maxLength: 6 }).map((ls) => `${ls.join("\n")}\n`);
const fence = fc
  .array(fc.oneof({ weight: 3, arbitrary: anyText }, { weight: 1, arbitrary: hostileLine }), {
    maxLength: 30,
  })
  .map((ls) => codeFence(ls.join("\n"), "text"));
const cell = fc.string({ unit: fc.constantFrom("a", "b", "1", " ", "`"), minLength: 1, maxLength: 12 });
const table = fc
  .tuple(
    fc.integer({ min: 1, max: 4 }),
    fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 40 }),
  )
  .map(([n, rows]) =>
    markdownTable(
      ["h1", "h2", "h3", "h4"].slice(0, n),
      rows.map((r) => r.slice(0, n)),
    ),
  );
const leaf = fc.oneof(paragraph, fence, table);
const details = (inner: fc.Arbitrary<string>) =>
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom("s", "u", "m", " "), maxLength: 20 }),
      fc.array(inner, { maxLength: 5 }),
    )
    .map(
      ([summary, blocks]) => `<details><summary>${summary}</summary>\n\n${blocks.join("\n")}\n</details>\n`,
    );
const block = fc.oneof(leaf, details(leaf), details(fc.oneof(leaf, details(leaf))));
const documents = fc.array(block, { maxLength: 10 }).map((bs) => bs.join("\n"));
const limits = fc.integer({ min: 600, max: 6000 });

describe("splitMarkdown", () => {
  it("returns a document that fits unchanged, without a part header", () => {
    const md = renderOperationResult(deployResult);
    expect(splitMarkdown(md, GITHUB_COMMENT_LIMIT)).toEqual([md]);
  });

  it("keeps every part within the limit, well-formed, with balanced fences and details", () => {
    fc.assert(
      fc.property(documents, limits, (md, limit) => {
        const parts = splitMarkdown(md, limit);
        for (const part of parts) {
          expect(part.length).toBeLessThanOrEqual(limit);
          expect(part.isWellFormed()).toBe(true);
          expect(structure(part)).toEqual({ fenceOpen: false, detailsBalanced: true });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("loses nothing: part bodies concatenate to the input, framed only by header, reopen and close", () => {
    fc.assert(
      fc.property(documents, limits, (md, limit) => {
        const parts = splitMarkdownParts(md, limit);
        expect(parts.map((p) => p.body).join("")).toBe(md);
        expect(splitMarkdown(md, limit)).toEqual(parts.map((p) => p.header + p.reopen + p.body + p.close));
        const headers = parts.map((p) => p.header);
        const expected = parts.map((_, i) => (parts.length > 1 ? partHeader(i + 1, parts.length) : ""));
        expect(headers).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("splits only between top-level blocks when each block fits in a part", () => {
    const smallBlocks = fc.array(fc.oneof(paragraph, fence, details(leaf)), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(smallBlocks, (blocks) => {
        const limit = Math.max(...blocks.map((b) => b.length)) + 64;
        const md = blocks.join("\n");
        const parts = splitMarkdown(md, limit);
        // With the headers removed, the parts are the input cut at block starts, nothing added.
        const bodies = parts.map((p, i) =>
          parts.length > 1 ? p.slice(partHeader(i + 1, parts.length).length) : p,
        );
        expect(bodies.join("")).toBe(md);
        const starts = new Set(blocks.map((_, i) => blocks.slice(0, i).join("\n").length + (i > 0 ? 1 : 0)));
        let offset = 0;
        for (const body of bodies) {
          expect(starts.has(offset)).toBe(true);
          offset += body.length;
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never splits a surrogate pair, even in a line of emoji longer than a part", () => {
    const md = `${"😀".repeat(5000)}\n${"a😀".repeat(3000)}`;
    for (const limit of [601, 602, 1000, 1001]) {
      for (const part of splitMarkdown(md, limit)) {
        expect(part.isWellFormed()).toBe(true);
        expect(part.length).toBeLessThanOrEqual(limit);
      }
    }
  });

  it("repeats a long table's header in every part that continues it", () => {
    const rows = Array.from({ length: 400 }, (_, i) => [`row ${i}`, "x".repeat(i % 20)]);
    const md = `Intro\n\n${markdownTable(["Name", "Value"], rows)}`;
    const parts = splitMarkdown(md, 2000);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts.slice(1)) {
      const firstRow = part.split("\n").findIndex((l) => l.startsWith("|"));
      expect(part.split("\n").slice(firstRow, firstRow + 2)).toEqual(["| Name | Value |", "| --- | --- |"]);
    }
  });

  it("splits a deploy report with 300 KB of output into comments GitHub accepts", () => {
    const lines = Array.from(
      { length: 5000 },
      (_, i) => `${i}: Unpacking libfoo (1.${i}) \`x\` | 🎉 ${"-".repeat(i % 60)}`,
    );
    const output = lines.join("\n");
    expect(output.length).toBeGreaterThan(300_000);
    const result: OperationResult = structuredClone(deployResult);
    const failing = result.hosts[1]?.steps[1];
    if (failing === undefined) throw new Error("fixture changed");
    failing.output = output;
    const md = renderOperationResult(result);
    const parts = splitMarkdown(md, GITHUB_COMMENT_LIMIT);

    // Filled parts: no more comments than if each carried 1,000 characters of framing.
    expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(md.length / GITHUB_COMMENT_LIMIT));
    expect(parts.length).toBeLessThanOrEqual(Math.ceil(md.length / (GITHUB_COMMENT_LIMIT - 1000)));
    parts.forEach((part, i) => {
      expect(part.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
      expect(part.startsWith(`_(part ${i + 1}/${parts.length})_\n\n`)).toBe(true);
      expect(structure(part)).toEqual({ fenceOpen: false, detailsBalanced: true });
    });
    // Every continuation reopens the failed step's details and fence before going on.
    for (const part of parts.slice(1)) {
      expect(part).toContain(
        "<details><summary>❌ <code>start:billing-api</code> on <code>host-b</code>: output (continued)</summary>\n\n```text\n",
      );
    }
    // Each output line comes out exactly once and in order, and the report's end is in the last part.
    const seen = parts
      .join("\n")
      .split("\n")
      .filter((l) => /^\d+: Unpacking/.test(l));
    expect(seen).toEqual(lines);
    expect(parts.at(-1)).toContain("#### Not applied");
  });

  it("refuses a limit too small to hold any text", () => {
    expect(() => splitMarkdown("x".repeat(100), 40)).toThrow(RangeError);
  });
});
