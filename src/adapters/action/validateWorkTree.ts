import { hasErrors } from "../../core/diagnostic.js";
import { renderValidationReport } from "../../core/markdown/renderValidationReport.js";
import { type ValidationOutcome, validateSources } from "../../workflows/validateSources.js";
import { fsSourceReader } from "../shared/fsSourceReader.js";
import { repoUrl, type TaskContext } from "./taskContext.js";

/** Validation of the checkout, with its error count. */
export interface WorkTreeValidation {
  outcome: ValidationOutcome;
  errors: number;
  /** Config and definitions are fit to plan or deploy from. */
  ok: boolean;
}

/**
 * Validates the checked-out definitions against the checked-out config, annotates every finding
 * at its file and line, and adds the validation report to the job summary (`quiet`: only when
 * there are findings, for operations where validation is a side note).
 */
export async function validateWorkTree(
  ctx: TaskContext,
  options: { quiet?: boolean } = {},
): Promise<WorkTreeValidation> {
  const outcome = await validateSources(fsSourceReader(ctx.root), { configPath: ctx.inputs.config });
  ctx.report.annotate(outcome.diagnostics);
  if (!options.quiet || outcome.diagnostics.length > 0)
    ctx.report.summary(
      renderValidationReport(outcome.diagnostics, {
        files: outcome.checked.length,
        definitions: outcome.files.length,
        repoUrl: repoUrl(ctx),
        ...(ctx.event.sha ? { sha: ctx.event.sha } : {}),
      }),
    );
  const errors = outcome.diagnostics.filter((d) => d.severity === "error").length;
  return { outcome, errors, ok: !hasErrors(outcome.diagnostics) && outcome.config !== undefined };
}

/** The failure of a run stopped by validation errors. */
export function invalidMessage(v: WorkTreeValidation, what: string): string {
  if (v.outcome.configProblem) return `${v.outcome.configFile} is missing or invalid: ${what}`;
  if (v.outcome.sourceProblem) return `the definitions to check are missing or a symlink: ${what}`;
  return `${v.errors} validation error(s): ${what}`;
}
