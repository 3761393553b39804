import type { Diagnostic } from "../diagnostic.js";

const xml = (s: string) =>
  s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    // XML 1.0 cannot carry most control characters at all, even escaped.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point here
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "\uFFFD")
    // Attribute values normalise raw whitespace to spaces; character references survive.
    .replaceAll("\t", "&#9;")
    .replaceAll("\n", "&#10;")
    .replaceAll("\r", "&#13;");

/**
 * JUnit XML: one test case per file, a failure per error, so CI systems that only read JUnit
 * still show which definition failed and why. Warnings go to system-out, not failures.
 */
export function formatDiagnosticsJunit(diagnostics: readonly Diagnostic[], files: readonly string[]): string {
  const byFile = new Map<string, Diagnostic[]>(files.map((f) => [f, []]));
  for (const d of diagnostics) {
    if (!byFile.has(d.file)) byFile.set(d.file, []);
    byFile.get(d.file)?.push(d);
  }
  const failures = diagnostics.filter((d) => d.severity === "error").length;
  const cases = [...byFile].map(([file, ds]) => {
    const errors = ds.filter((d) => d.severity === "error");
    const others = ds.filter((d) => d.severity !== "error");
    const body = [
      ...errors.map(
        (d) =>
          `      <failure type="${xml(d.rule)}" message="${xml(d.message)}">${xml(`${d.file}:${d.line}:${d.column} ${d.message}`)}</failure>`,
      ),
      ...(others.length
        ? [
            `      <system-out>${xml(others.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule} ${d.message}`).join("\n"))}</system-out>`,
          ]
        : []),
    ];
    return body.length
      ? `    <testcase classname="hostroot.validate" name="${xml(file)}">\n${body.join("\n")}\n    </testcase>`
      : `    <testcase classname="hostroot.validate" name="${xml(file)}"/>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="hostroot" tests="${byFile.size}" failures="${failures}">`,
    `  <testsuite name="hostroot validate" tests="${byFile.size}" failures="${failures}">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
