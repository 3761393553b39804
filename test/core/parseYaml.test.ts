import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { firstInvalidUtf8 } from "../../src/core/decodeUtf8.js";
import { parseYaml } from "../../src/core/parseYaml.js";

const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));

/** The classic "billion laughs": nine levels of nine aliases each, 9^9 strings once expanded. */
function billionLaughs(levels = 9): string {
  let out = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
  for (let i = 1; i <= levels; i++)
    out += `l${i}: &l${i} [${Array(9)
      .fill(`*l${i - 1}`)
      .join(", ")}]\n`;
  return out;
}

describe("parseYaml refusals", () => {
  // [what, input, rule, line, column, text the message must contain]
  const cases: [string, string | Uint8Array, string, number, number, string][] = [
    ["over the size limit", `name: ${"x".repeat(256 * 1024)}\n`, "yaml/too-large", 1, 1, "256 KiB"],
    ["invalid byte", bytes("a: 1\nname: caf", [0xff], "\n"), "yaml/encoding", 2, 10, "0xff"],
    ["column counts characters", bytes("a: 1\nb: é€", [0xc3, 0x28], "\n"), "yaml/encoding", 2, 6, "UTF-8"],
    ["overlong encoding", bytes("a: ", [0xc0, 0xaf], "\n"), "yaml/encoding", 1, 4, "UTF-8"],
    ["truncated at the end", bytes("a: b\nc: ", [0xe2, 0x82]), "yaml/encoding", 2, 4, "UTF-8"],
    ["empty", "", "yaml/empty", 1, 1, "empty"],
    ["comments only", "# nothing yet\n\n# still nothing\n", "yaml/empty", 1, 1, "comments"],
    ["a bare document marker", "---\n", "yaml/empty", 1, 1, "empty"],
    ["two documents", "name: a\nplatform: p\n---\nname: b\n", "yaml/multi-document", 3, 1, "exactly one"],
    [
      "python tag",
      "name: a\nrun: !!python/object/apply:os.system [id]\n",
      "yaml/tag",
      2,
      6,
      "!!python/object/apply",
    ],
    ["local tag", "name: !shout a\n", "yaml/tag", 1, 7, "'!shout'"],
    ["binary tag", "key: !!binary aGVsbG8=\n", "yaml/tag", 1, 6, "!!binary"],
    ["set tag on a mapping", "hosts: !!set { a, b }\n", "yaml/tag", 1, 8, "!!set"],
    ["TAG directive", "%TAG !! tag:example.com,2000:\n---\na: !!str x\n", "yaml/tag", 1, 1, "%TAG"],
    ["duplicate key", "name: a\nplatform: p\nname: b\n", "yaml/duplicate-key", 3, 1, "line 1"],
    [
      "nested duplicate key",
      "mounts:\n  - source: /a\n    target: /b\n    source: /c\n",
      "yaml/duplicate-key",
      4,
      5,
      "'source' in mounts[0]: it is already set on line 2",
    ],
    ["unclosed flow list", "name: a\nsetup: [[a, b]\n", "yaml/syntax", 3, 1, ""],
    ["compact nested mapping", "name: a: b\n", "yaml/syntax", 1, 7, "Nested mappings"],
    ["tab indentation", "service:\n\tuser: app\n", "yaml/syntax", 2, 1, "Tabs"],
    ["alias without anchor", "a: 1\nb: *nowhere\n", "yaml/syntax", 2, 4, "'*nowhere'"],
    ["alias inside its anchor", "a: &loop [1, *loop]\n", "yaml/alias-limit", 1, 14, "its own anchor"],
    ["billion laughs", billionLaughs(), "yaml/alias-limit", 6, 15, "alias bomb"],
    ["nesting", `a: ${"[".repeat(70)}${"]".repeat(70)}\n`, "yaml/too-large", 1, 67, "64 levels"],
  ];

  it.each(cases)("%s", (_what, input, rule, line, column, text) => {
    const { located, diagnostics } = parseYaml("containers/x.yml", input);
    expect(located).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ file: "containers/x.yml", rule, line, column, severity: "error" });
    expect(diagnostics[0]?.message).toContain(text);
  });

  it("reports every bad tag and every duplicate, not just the first", () => {
    const { diagnostics } = parseYaml("x.yml", "a: !x 1\nb: !y 2\na: 3\n");
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ["yaml/tag", 1],
      ["yaml/tag", 2],
    ]);
    const dup = parseYaml("x.yml", "a: 1\nb: 2\na: 3\nb: 4\n").diagnostics;
    expect(dup.map((d) => [d.rule, d.line, d.message.match(/line (\d+)/)?.[1]])).toEqual([
      ["yaml/duplicate-key", 3, "1"],
      ["yaml/duplicate-key", 4, "2"],
    ]);
  });

  it("refuses a billion-laughs file far faster than it could expand it", () => {
    const start = performance.now();
    const { diagnostics } = parseYaml("bomb.yml", billionLaughs(30));
    expect(performance.now() - start).toBeLessThan(250);
    expect(diagnostics.map((d) => d.rule)).toEqual(["yaml/alias-limit"]);
  });

  it("refuses a quarter megabyte of '[' without overflowing the stack", () => {
    const { diagnostics } = parseYaml("deep.yml", "[".repeat(250 * 1024));
    expect(diagnostics[0]).toMatchObject({ rule: "yaml/too-large", line: 1, column: 65 });
  });

  it("counts a file's size in bytes, before decoding", () => {
    const { diagnostics } = parseYaml("x.yml", bytes("a: ", [0xff]), { maxBytes: 3 });
    expect(diagnostics.map((d) => d.rule)).toEqual(["yaml/too-large"]);
    // Three bytes per character: over the limit in bytes though under it in characters.
    expect(parseYaml("x.yml", `a: ${"€".repeat(10)}`, { maxBytes: 30 }).diagnostics[0]?.rule).toBe(
      "yaml/too-large",
    );
    expect(parseYaml("x.yml", `a: ${"€".repeat(9)}`, { maxBytes: 30 }).located?.value).toEqual({
      a: "€".repeat(9),
    });
  });

  it("finds the first bad UTF-8 byte exactly where a strict decoder stops accepting", () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const valid = (b: Uint8Array) => {
      try {
        strict.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    // ASCII, and the bytes at the edges of UTF-8's lead and continuation ranges (overlongs, surrogates).
    const edges = [
      0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    ];
    const byte = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }),
      fc.constantFrom(...edges),
      fc.integer({ min: 0x80, max: 0xff }),
    );
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 12 }).map((a) => Uint8Array.from(a)),
        (b) => {
          const at = firstInvalidUtf8(b);
          expect(at === b.length).toBe(valid(b));
          expect(valid(b.subarray(0, at))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("honours a lower alias limit", () => {
    const text = "base: &b { zone: a }\nx: *b\ny: *b\nz: *b\n";
    expect(parseYaml("x.yml", text).located?.value).toMatchObject({ z: { zone: "a" } });
    expect(parseYaml("x.yml", text, { maxAliasCount: 2 }).diagnostics[0]).toMatchObject({
      rule: "yaml/alias-limit",
      line: 4,
      column: 4,
    });
  });
});

describe("parseYaml values", () => {
  it("reads plain YAML 1.2 core, whatever the file's %YAML directive says", () => {
    const text =
      "%YAML 1.1\n---\nenabled: yes\nmode: 0o755\nbase: &b { a: 1 }\nother: { <<: *b }\nn: !!str 12\nnothing:\n";
    expect(parseYaml("x.yml", text).located?.value).toEqual({
      enabled: "yes",
      mode: 0o755,
      base: { a: 1 },
      other: { "<<": { a: 1 } },
      n: "12",
      nothing: null,
    });
  });

  it("drops a byte-order mark", () => {
    expect(parseYaml("x.yml", bytes([0xef, 0xbb, 0xbf], "a: 1\n")).located?.value).toEqual({ a: 1 });
  });

  it("gives back whatever a YAML writer wrote, and never throws on arbitrary text", () => {
    const json = fc.jsonValue({ maxDepth: 4 }).filter((v) => v !== null);
    fc.assert(
      fc.property(json, (value) => {
        const { located, diagnostics } = parseYaml("x.yml", stringify(value));
        expect(diagnostics).toEqual([]);
        // structuredClone, not a JSON round trip: JSON turns -0 into 0, while YAML writes `-0` and
        // reads it back as -0, which is exactly the round trip this test claims.
        expect(located?.value).toEqual(structuredClone(value));
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (text) => {
        const r = parseYaml("x.yml", text);
        expect(r.located !== undefined || r.diagnostics.length > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("Located.span", () => {
  const text = [
    "# a comment first",
    "name: billing-api",
    "mounts:",
    "  - source: /srv/billing",
    "    target: /srv/billing",
    "  - { source: /srv/a, target: /srv/b, readOnly: true }",
    "labels: &l { zone: eu }",
    "copy: *l",
    "service:",
    "",
  ].join("\n");
  const located = parseYaml("x.yml", text).located;

  it.each([
    ["a top-level value", ["name"], {}, { line: 2, column: 7, endLine: 2, endColumn: 18 }],
    ["a top-level key", ["name"], { key: true }, { line: 2, column: 1, endLine: 2, endColumn: 5 }],
    ["a nested block value", ["mounts", 0, "target"], {}, { line: 5, column: 13, endLine: 5, endColumn: 25 }],
    ["a flow value", ["mounts", 1, "readOnly"], {}, { line: 6, column: 49, endLine: 6, endColumn: 53 }],
    [
      "a flow key",
      ["mounts", 1, "target"],
      { key: true },
      { line: 6, column: 23, endLine: 6, endColumn: 29 },
    ],
    ["a list item", ["mounts", 1], {}, { line: 6, column: 5, endLine: 6, endColumn: 55 }],
    [
      "a block mapping, ending on its last character",
      ["mounts", 0],
      {},
      { line: 4, column: 5, endLine: 5, endColumn: 25 },
    ],
    [
      "a missing key: its mapping",
      ["mounts", 0, "readOnly"],
      {},
      { line: 4, column: 5, endLine: 5, endColumn: 25 },
    ],
    [
      "a missing index: its list",
      ["mounts", 7, "source"],
      {},
      { line: 4, column: 3, endLine: 6, endColumn: 55 },
    ],
    ["a missing top-level key: the file", ["health", "command"], {}, { line: 1, column: 1 }],
    ["the root", [], {}, { line: 1, column: 1 }],
    [
      "through an alias: the anchored text",
      ["copy", "zone"],
      {},
      { line: 7, column: 20, endLine: 7, endColumn: 22 },
    ],
    ["an empty value: its key", ["service"], {}, { line: 9, column: 1, endLine: 9, endColumn: 8 }],
  ])("%s", (_what, path, options, span) => {
    expect(located?.span(path, options)).toEqual(span);
  });
});
