/** How bad a finding is. Only `error` fails validation; `warning` and `info` are reported. */
export type Severity = "error" | "warning" | "info";

/** A 1-based source range. `endLine`/`endColumn` point just past the last character. */
export interface Span {
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * One finding about one file. Every producer (YAML parsing, schema, cross-file rules, config)
 * emits this one shape so every output format (text, json, GitHub, GitLab, JUnit) can render it.
 */
export interface Diagnostic extends Span {
  /** Path as the user gave it (repository-relative in CI), never resolved to an absolute path. */
  file: string;
  severity: Severity;
  /** Stable rule id from {@link ./rules.ts}, e.g. `mount/system-path`. */
  rule: string;
  message: string;
}

/** Builds a diagnostic; a small helper so call sites read as one line. */
export function diagnostic(
  file: string,
  span: Span,
  rule: string,
  message: string,
  severity: Severity = "error",
): Diagnostic {
  return { file, ...span, severity, rule, message };
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sorts by file, then position, then rule, so output is stable across runs and platforms. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}
