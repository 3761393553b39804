import { splitMarkdownParts } from "../../core/markdown/splitMarkdown.js";
import type { CheckReport } from "../../ports/vcsClient.js";
import { ANNOTATIONS_PER_REQUEST, checkAnnotation } from "./checkAnnotations.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";

/** GitHub's limit on a check run's `output.summary`, in characters. */
export const CHECK_SUMMARY_LIMIT = 65_535;

/**
 * Publishes one check run on the head commit. Up to 50 annotations go with the create request,
 * already completed. Past 50 the run is created in progress and the rest are appended 50 per
 * update, the last update completing it: a run that shows a conclusion has all its annotations.
 */
export async function publishCheckRun(
  octokit: GithubOctokit,
  repo: GithubRepo,
  report: CheckReport,
): Promise<number> {
  const annotations = report.diagnostics.map(checkAnnotation);
  const output = { title: report.title, summary: fitSummary(report.summary) };
  const chunks: (typeof annotations)[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    chunks.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const done = () => ({
    status: "completed" as const,
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
  });
  const { data } = await octokit.rest.checks.create({
    ...repo,
    name: report.name,
    head_sha: report.headSha,
    ...(chunks.length > 1 ? { status: "in_progress" as const } : done()),
    output: { ...output, annotations: chunks[0] ?? [] },
  });
  for (let i = 1; i < chunks.length; i++)
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: data.id,
      ...(i === chunks.length - 1 ? done() : {}),
      output: { ...output, annotations: chunks[i] },
    });
  return data.id;
}

/** A summary over the limit keeps its first part (structure closed) and says where the rest is. */
function fitSummary(summary: string): string {
  if (summary.length <= CHECK_SUMMARY_LIMIT) return summary;
  const note = "\n\n_The summary is cut here; every finding is listed in the annotations._\n";
  const first = splitMarkdownParts(summary, CHECK_SUMMARY_LIMIT - note.length)[0];
  return `${first?.body ?? ""}${first?.close ?? ""}${note}`;
}
