import type { Context } from "probot";
import type { ServerConfig } from "../../core/serverConfigSchema.js";
import type { PullRequestRef } from "../../ports/vcsClient.js";
import { validatePullRequest } from "../../workflows/validatePullRequest.js";
import { appAccess } from "./appAccess.js";
import { githubVcsClient } from "./githubVcsClient.js";

/** Where the ops-owned pool and policy live; read from the default branch only. */
export const CONFIG_PATH = ".github/hostroot.yml";

/** The pull request events that put new definitions under review. */
export const PULL_REQUEST_EVENTS = [
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.reopened",
] as const;

/**
 * Validates the pull request's head commit and plans it against the default branch. A fork's
 * head is read through the base repository (GitHub keeps PR heads there), with the installation
 * token of the base repository: no secret is involved, so forks are validated like any PR.
 * The config is read as the server config binds the repository (see appAccess); no host is
 * contacted either way.
 */
export async function onPullRequest(
  context: Context<(typeof PULL_REQUEST_EVENTS)[number]>,
  server?: ServerConfig,
): Promise<void> {
  const { pull_request: pr, repository } = context.payload;
  await validatePullRequestHead(context, pr, repository, server);
}

/** What {@link validatePullRequestHead} reads of a pull request, as webhooks and the REST API give it. */
export interface PullRequestLike {
  number: number;
  head: { sha: string; repo?: { id: number } | null };
  base: { repo: { id: number } };
}

/**
 * Validates and plans one pull request's head commit, as {@link onPullRequest} does; also used
 * when someone presses "Re-run" on the check (see onCheckRerequested).
 */
export async function validatePullRequestHead(
  context: Context,
  pr: PullRequestLike,
  repository: { default_branch: string; html_url: string; full_name: string },
  server?: ServerConfig,
): Promise<void> {
  const ref: PullRequestRef = {
    number: pr.number,
    headSha: pr.head.sha,
    defaultBranch: repository.default_branch,
    // Compared by id: a renamed repository keeps it; a deleted fork has no head repo at all.
    fromFork: pr.head.repo?.id !== pr.base.repo.id,
    repoUrl: repository.html_url,
  };
  const repo = context.repo();
  const { access, parseConfig, maxFiles } = appAccess(server, repository.full_name);
  const outcome = await validatePullRequest(githubVcsClient(context.octokit, repo), ref, {
    configPath: CONFIG_PATH,
    parseConfig,
    maxFiles,
    ...(access.kind === "plan-only" ? { planOnly: access.reason } : {}),
  });
  if (outcome.kind === "not-configured")
    context.log.info(
      `${repo.owner}/${repo.repo}: no ${CONFIG_PATH} on ${ref.defaultBranch}; PR #${pr.number} left alone`,
    );
  else
    context.log.info(
      `${repo.owner}/${repo.repo}#${pr.number} at ${ref.headSha.slice(0, 7)}: ${outcome.conclusion}, ` +
        `${outcome.diagnostics.length} finding(s)${ref.fromFork ? ", from a fork (never deployed)" : ""}`,
    );
}
