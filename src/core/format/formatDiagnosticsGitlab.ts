import { createHash } from "node:crypto";
import type { Diagnostic } from "../diagnostic.js";

/** One entry of a GitLab Code Quality report (the subset GitLab reads). */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: "info" | "minor" | "major" | "critical" | "blocker";
  location: { path: string; lines: { begin: number; end: number } };
}

/**
 * A GitLab Code Quality report. GitLab matches issues between pipelines by fingerprint, so it
 * must be stable for the same finding and unique within a report: identical findings get an
 * occurrence counter folded into the hash.
 */
export function formatDiagnosticsGitlab(diagnostics: readonly Diagnostic[]): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return diagnostics.map((d) => {
    const base = `${d.file}\0${d.rule}\0${d.line}\0${d.column}\0${d.message}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return {
      description: d.message,
      check_name: d.rule,
      fingerprint: createHash("sha256").update(`${base}\0${n}`).digest("hex").slice(0, 32),
      severity: d.severity === "error" ? "major" : d.severity === "warning" ? "minor" : "info",
      location: { path: d.file, lines: { begin: d.line, end: d.endLine ?? d.line } },
    };
  });
}
