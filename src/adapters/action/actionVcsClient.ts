import type { SourceReader } from "../../ports/sourceReader.js";
import type { CheckReport, VcsClient } from "../../ports/vcsClient.js";
import type { ActionReport } from "./actionReport.js";

/** The VCS port as the Action provides it, plus what the workflow published through it. */
export interface ActionVcsClient extends VcsClient {
  check?: CheckReport;
}

/**
 * The VCS port inside a workflow run, so the App's pull request workflow runs unchanged: the
 * default branch is read from the local clone, everything else from the checked-out work tree;
 * the check becomes workflow-command annotations plus the job summary (check runs with
 * annotations are an App-only API), and the plan comment becomes a section of the job summary.
 */
export function actionVcsClient(
  report: ActionReport,
  readers: { defaultBranch: string; base: SourceReader; head: SourceReader },
): ActionVcsClient {
  const client: ActionVcsClient = {
    sourceAt: (ref) => (ref === readers.defaultBranch ? readers.base : readers.head),
    async publishCheck(check) {
      client.check = check;
      report.annotate(check.diagnostics);
      report.summary(check.summary);
    },
    async upsertMarkedComment(_number, _marker, markdown) {
      report.summary(markdown);
    },
  };
  return client;
}
