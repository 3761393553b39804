import { describe, expect, it } from "vitest";
import {
  code,
  codeFence,
  escapeHtml,
  escapeMarkdown,
  htmlCode,
} from "../../../src/core/markdown/escapeMarkdown.js";
import { markdownTable } from "../../../src/core/markdown/markdownTable.js";

const hostile = "a | ``` <script>alert(1)</script> *b* _c_ [d](e) #f ~g~ & \\| line\nbreak";

/** Splits a GFM table row into cells the way GitHub does: at pipes not escaped by a backslash. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cell = "";
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === "\\") {
      cell += c + (row[i + 1] ?? "");
      i++;
    } else if (c === "|") {
      out.push(cell);
      cell = "";
    } else cell += c;
  }
  return [...out, cell].slice(1, -1);
}

describe("escapeMarkdown", () => {
  it("keeps hostile text inside one table cell on one row", () => {
    const table = markdownTable(["Message", "Next"], [[escapeMarkdown(hostile), "x"]]);
    const rows = table.trimEnd().split("\n");
    expect(rows).toHaveLength(3);
    expect(cells(rows[2] ?? "")).toHaveLength(2);
  });

  it("leaves no raw HTML, fence or emphasis markers", () => {
    const out = escapeMarkdown(hostile);
    expect(out).not.toMatch(/<(?!br>)/);
    expect(out).not.toMatch(/(?<!\\)[`*_[\]#~]/);
    expect(out).toContain("&lt;script&gt;");
    expect(out).toContain("line<br>break");
  });

  it("escapes a backslash before a pipe so the pipe stays escaped", () => {
    expect(cells(`| ${escapeMarkdown("a\\|b")} | x |`)).toHaveLength(2);
  });
});

describe("code", () => {
  it("uses a backtick span for plain identifiers", () => {
    expect(code("restart:billing-api")).toBe("`restart:billing-api`");
  });

  it("falls back to escaped <code> for text a code span cannot hold in a table", () => {
    for (const text of ["a|b", "a`b", "a\\|b", " padded ", "two\nlines"]) {
      const out = code(text);
      expect(out.startsWith("<code>")).toBe(true);
      expect(cells(`| ${out} | x |`)).toHaveLength(2);
    }
  });
});

describe("escapeHtml and htmlCode", () => {
  it("neutralise tags and quotes for a <summary>", () => {
    expect(htmlCode(`<script>"x"</script>`)).toBe("<code>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</code>");
    expect(escapeHtml("a\nb")).toBe("a b");
  });
});

describe("codeFence", () => {
  it("chooses a fence longer than any backtick run inside, so the output cannot close it", () => {
    const output = "start\n```\n`````\n</details>\nend";
    const block = codeFence(output, "text");
    const lines = block.trimEnd().split("\n");
    expect(lines[0]).toBe("``````text");
    expect(lines.at(-1)).toBe("``````");
    expect(lines.slice(1, -1).join("\n")).toBe(output);
  });

  it("uses three backticks for output without any", () => {
    expect(codeFence("ok")).toBe("```\nok\n```\n");
  });
});
