import { appendFileSync } from "node:fs";
import path from "node:path";
import * as core from "@actions/core";
import type { Diagnostic } from "../../core/diagnostic.js";
import { formatDiagnosticsGithub } from "../../core/format/formatDiagnosticsGithub.js";
import { splitMarkdownParts } from "../../core/markdown/splitMarkdown.js";
import type { OperationResult } from "../../core/operationResult.js";
import type { Plan } from "../../core/plan.js";
import type { AuditEntry } from "../../workflows/commandAudit.js";

/** How a run ended, as the `outcome` output says it. */
export type ActionOutcomeKind = "success" | "failure" | "denied" | "ignored" | "replied";

/** What a run produced: the outputs, and why it failed when it did. */
export interface ActionOutcome {
  outcome: ActionOutcomeKind;
  /** Validation errors, when validation ran. */
  errorCount?: number;
  plan?: Plan;
  result?: OperationResult;
  /** For a slash command: its audit record (who, what, permission, how it ended), the `result` output. */
  audit?: AuditEntry;
  /** One line for the log and `setFailed` when the outcome is a failure. */
  message?: string;
  /** The job summary as written. */
  summary: string;
}

/** GitHub refuses a step summary over 1 MiB (and then shows none): stay well under it. */
const SUMMARY_BYTES = 1024 * 1024 - 4096;

/**
 * Collects what a run shows: annotations go to the log at once (the runner turns the workflow
 * commands into annotations), the markdown is gathered and written once as the job summary.
 * Outputs go through `@actions/core` (GITHUB_OUTPUT of the process), the summary to `env`'s
 * GITHUB_STEP_SUMMARY. `prefix` is the working directory relative to the repository root: annotations need paths from
 * the root, diagnostics carry paths from the working directory.
 */
export class ActionReport {
  private readonly parts: string[] = [];

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly prefix: string,
    private readonly write: (text: string) => void = (t) => process.stdout.write(t),
  ) {}

  /** Emits one workflow command per diagnostic (`::error file=…,line=…::…`). */
  annotate(diagnostics: readonly Diagnostic[]): void {
    const rooted =
      this.prefix === "" ? diagnostics : diagnostics.map((d) => ({ ...d, file: this.rooted(d.file) }));
    if (rooted.length > 0) this.write(formatDiagnosticsGithub(rooted));
  }

  /** Adds a block to the job summary. */
  summary(markdown: string): void {
    this.parts.push(markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  }

  /** A line in the log. */
  info(line: string): void {
    core.info(line);
  }

  /** Writes the outputs and the job summary; a run with no summary file prints the summary instead. */
  async finish(outcome: Omit<ActionOutcome, "summary">): Promise<ActionOutcome> {
    let summary = this.parts.join("\n");
    if (Buffer.byteLength(summary) > SUMMARY_BYTES) {
      // Four bytes per character at worst, so the first part surely fits.
      const first = splitMarkdownParts(summary, Math.floor(SUMMARY_BYTES / 4) - 200)[0];
      summary = `${first?.body ?? ""}${first?.close ?? ""}\n\n_The summary is cut here; the outputs and annotations hold everything._\n`;
    }
    if (outcome.errorCount !== undefined) core.setOutput("error-count", String(outcome.errorCount));
    core.setOutput("plan", outcome.plan ? JSON.stringify(outcome.plan) : "");
    const result = outcome.result ?? outcome.audit;
    core.setOutput("result", result ? JSON.stringify(result) : "");
    core.setOutput("outcome", outcome.outcome);
    if (summary !== "") {
      // Appended by hand rather than with core.summary, which keeps the first file it wrote to for
      // the life of the process; the file must be this run's.
      const file = this.env.GITHUB_STEP_SUMMARY;
      if (file) appendFileSync(file, summary.endsWith("\n") ? summary : `${summary}\n`);
      else core.info(summary);
    }
    return { ...outcome, summary };
  }

  private rooted(file: string): string {
    return path.posix.join(this.prefix, file);
  }
}
