import { type Diagnostic, type Severity, sortDiagnostics } from "../diagnostic.js";
import { code, escapeMarkdown } from "./escapeMarkdown.js";
import { markdownTable } from "./markdownTable.js";
import { plural } from "./plural.js";

/** What the report needs besides the diagnostics. */
export interface ValidationReportOptions {
  /** How many files were validated, so a clean run can say so. */
  files: number;
  /** How many of them are definitions; 0 is headlined as nothing checked, never as a green run. */
  definitions?: number;
  /** e.g. `https://github.com/acme/containers`; with `sha`, locations link to the lines. */
  repoUrl?: string;
  /** Commit the files were read at (the PR head), so links keep pointing at the reviewed lines. */
  sha?: string;
}

const ICON: Record<Severity, string> = { error: "❌", warning: "⚠️", info: "ℹ️" };

/**
 * Renders validation diagnostics as a PR comment: a headline with counts, then one table of every
 * finding sorted by file and line, each location linking to the line at the reviewed commit.
 */
export function renderValidationReport(
  diagnostics: readonly Diagnostic[],
  options: ValidationReportOptions,
): string {
  const sorted = sortDiagnostics(diagnostics);
  const count = (s: Severity) => sorted.filter((d) => d.severity === s).length;
  const errors = count("error");
  const warnings = count("warning");
  const infos = count("info");
  const filesWithFindings = new Set(sorted.map((d) => d.file)).size;
  const findings = [
    ...(errors > 0 ? [plural(errors, "error")] : []),
    ...(warnings > 0 ? [plural(warnings, "warning")] : []),
    ...(infos > 0 ? [plural(infos, "note")] : []),
  ].join(", ");
  const where = `in ${plural(filesWithFindings, "file")}`;

  let out: string;
  if (errors === 0 && options.definitions === 0) {
    out = `### ⚠️ No definitions checked\n\n${plural(options.files, "file")} checked, none of them a definition.\n`;
    if (sorted.length === 0) return out;
  } else if (errors > 0) {
    out = `### ❌ ${findings} ${where}\n\n${plural(options.files, "file")} checked.\n`;
  } else if (sorted.length > 0) {
    out = `### ✅ ${plural(options.files, "file")} valid\n\n${findings} ${where}.\n`;
  } else {
    return `### ✅ ${plural(options.files, "file")} valid\n`;
  }
  const rows = sorted.map((d) => [
    `${ICON[d.severity]} ${d.severity}`,
    location(d, options),
    code(d.rule),
    escapeMarkdown(d.message),
  ]);
  return `${out}\n${markdownTable(["", "Location", "Rule", "Message"], rows)}`;
}

function location(d: Diagnostic, options: ValidationReportOptions): string {
  const text = `${d.file}:${d.line}:${d.column}`;
  if (options.repoUrl === undefined || options.sha === undefined) return code(text);
  // Each path segment is percent-encoded so a space or '#' in a file name cannot break the link.
  const path = d.file.split("/").map(encodeURIComponent).join("/");
  const base = options.repoUrl.replace(/\/+$/, "");
  return `[${escapeMarkdown(text)}](${base}/blob/${encodeURIComponent(options.sha)}/${path}#L${d.line})`;
}
