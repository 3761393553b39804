import type { Context } from "probot";
import type { ServerConfig } from "../../core/serverConfigSchema.js";
import { CHECK_NAME } from "../../workflows/validatePullRequest.js";
import { type PullRequestLike, validatePullRequestHead } from "./onPullRequest.js";

/**
 * GitHub's "Re-run" on the check (`check_run.rerequested`) and "Re-run all checks"
 * (`check_suite.rerequested`). `check_suite.requested`, sent on every push, is left alone: the
 * `pull_request` events of that push already validate it, and a push outside a pull request has
 * nothing to validate.
 */
export const CHECK_RERUN_EVENTS = ["check_run.rerequested", "check_suite.rerequested"] as const;

/**
 * Validates again the pull requests the re-run check belongs to, each at its current head, read
 * from the API (not from the event, whose list GitHub leaves empty for a fork's pull request: those
 * are found among the open pull requests by the check's head commit). A closed pull request is
 * left alone.
 */
export async function onCheckRerequested(
  context: Context<(typeof CHECK_RERUN_EVENTS)[number]>,
  server?: ServerConfig,
): Promise<void> {
  const { payload } = context;
  const check = "check_run" in payload ? payload.check_run : payload.check_suite;
  // Only our own check: an app receives check_run events for its own runs, but the name says so.
  if ("check_run" in payload && payload.check_run.name !== CHECK_NAME) return;
  const repo = context.repo();
  let numbers = (check.pull_requests ?? [])
    .filter((p) => p.base.repo.id === payload.repository.id)
    .map((p) => p.number);
  if (numbers.length === 0) {
    const open = await context.octokit.paginate(context.octokit.rest.pulls.list, {
      ...repo,
      state: "open",
      per_page: 100,
    });
    numbers = open.filter((p) => p.head.sha === check.head_sha).map((p) => p.number);
  }
  for (const number of numbers) {
    const { data: pr } = await context.octokit.rest.pulls.get({ ...repo, pull_number: number });
    if (pr.state !== "open") {
      context.log.info(`${repo.owner}/${repo.repo}#${number} is ${pr.state}: re-run left alone`);
      continue;
    }
    await validatePullRequestHead(context, pr as PullRequestLike, payload.repository, server);
  }
}
