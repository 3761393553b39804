import type { Diagnostic } from "../diagnostic.js";

/** Colouring hooks; the CLI passes real ones only when stdout is a TTY. */
export interface TextStyle {
  error(s: string): string;
  warning(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const plain: TextStyle = { error: (s) => s, warning: (s) => s, dim: (s) => s, bold: (s) => s };

/**
 * The compiler-style text report: `file:line:col  error  message  rule`, one per line, then a
 * summary. Editors and terminals make `file:line:col` clickable.
 */
export function formatDiagnosticsText(
  diagnostics: readonly Diagnostic[],
  fileCount: number,
  style: TextStyle = plain,
): string {
  const lines = diagnostics.map((d) => {
    const where = style.bold(`${d.file}:${d.line}:${d.column}`);
    const sev = d.severity === "error" ? style.error("error") : style.warning(d.severity);
    return `${where}  ${sev}  ${d.message}  ${style.dim(d.rule)}`;
  });
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = `${fileCount} file${fileCount === 1 ? "" : "s"}`;
  lines.push(
    errors === 0 && warnings === 0
      ? `${files} checked: no problems.`
      : `${files} checked: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}.`,
  );
  return `${lines.join("\n")}\n`;
}
