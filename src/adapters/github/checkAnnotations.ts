import type { Diagnostic } from "../../core/diagnostic.js";

/** The annotation object of GitHub's check runs API. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title: string;
}

/** GitHub takes at most this many annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/**
 * A diagnostic as a check-run annotation on its file and line. Columns only on a one-line span,
 * as the API requires; our end column points past the last character, GitHub's at it.
 */
export function checkAnnotation(d: Diagnostic): CheckAnnotation {
  const endLine = Math.max(d.line, d.endLine ?? d.line);
  const columns =
    endLine === d.line
      ? { start_column: d.column, end_column: Math.max(d.column, (d.endColumn ?? d.column + 1) - 1) }
      : {};
  return {
    path: d.file,
    start_line: d.line,
    end_line: endLine,
    ...columns,
    annotation_level: d.severity === "error" ? "failure" : d.severity === "warning" ? "warning" : "notice",
    message: d.message,
    title: d.rule,
  };
}
