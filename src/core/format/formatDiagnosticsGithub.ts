import type { Diagnostic } from "../diagnostic.js";

// Workflow-command escaping as the runner decodes it: data escapes %, CR, LF;
// property values additionally escape ':' and ','.
const escapeData = (s: string) => s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
const escapeProperty = (s: string) => escapeData(s).replaceAll(":", "%3A").replaceAll(",", "%2C");

/**
 * GitHub Actions workflow commands (`::error file=...,line=...::message`): the runner turns
 * them into annotations on the pull request's changed lines. Check runs are an App-only API, so
 * this is how the Action and `hostroot validate --format github` annotate.
 */
export function formatDiagnosticsGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const command = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice";
      const props = [
        `file=${escapeProperty(d.file)}`,
        `line=${d.line}`,
        `col=${d.column}`,
        ...(d.endLine !== undefined ? [`endLine=${d.endLine}`] : []),
        ...(d.endColumn !== undefined && d.endLine === d.line ? [`endColumn=${d.endColumn}`] : []),
        `title=${escapeProperty(`hostroot ${d.rule}`)}`,
      ];
      return `::${command} ${props.join(",")}::${escapeData(d.message)}\n`;
    })
    .join("");
}
