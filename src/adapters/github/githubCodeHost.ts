import { splitMarkdown } from "../../core/markdown/splitMarkdown.js";
import type { CodeHost } from "../../ports/codeHost.js";
import { GITHUB_COMMENT_LIMIT } from "../shared/githubCommentLimit.js";
import { repoPermission, teamMemberships } from "../shared/githubPermissions.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";
import { githubVcsClient } from "./githubVcsClient.js";
import { openStatusComment, type ThrottleOptions } from "./statusComment.js";

/** The GitHub environment hostroot's deployments are recorded in. */
export const DEPLOY_ENVIRONMENT = "hostroot";

/**
 * The code host port over the App installation's Octokit for one repository and one delivery:
 * trees through the Git Data API (blobs fetched once per delivery), comments split at GitHub's
 * 65,536, the repository role and team lookups, and Deployments in the `hostroot` environment.
 */
export function githubCodeHost(
  octokit: GithubOctokit,
  repo: GithubRepo,
  throttle: ThrottleOptions = {},
): CodeHost {
  const vcs = githubVcsClient(octokit, repo);
  return {
    commentLimit: GITHUB_COMMENT_LIMIT,
    sourceAt: (ref) => vcs.sourceAt(ref),
    async resolveBranch(branch) {
      const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
      return data.object.sha;
    },
    async mergedPullRequest(commit) {
      const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        ...repo,
        commit_sha: commit,
      });
      const merged = data.filter((p) => p.merged_at);
      return (merged.find((p) => p.merge_commit_sha === commit) ?? merged[0])?.number;
    },
    async comment(issue, markdown) {
      let url: string | undefined;
      for (const body of splitMarkdown(markdown, GITHUB_COMMENT_LIMIT)) {
        const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body });
        url ??= data.html_url;
      }
      return url;
    },
    upsertMarkedComment: (issue, marker, markdown) => vcs.upsertMarkedComment(issue, marker, markdown),
    progressComment: (issue, markdown) => openStatusComment(octokit, repo, issue, markdown, throttle),
    async react(commentId, content) {
      await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
    },
    permission: (login) => repoPermission(octokit, repo, login),
    memberOf: (login, teams) => teamMemberships(octokit, repo, login, teams),
    deployments: {
      async create(commit, description) {
        const { data } = await octokit.rest.repos.createDeployment({
          ...repo,
          ref: commit,
          environment: DEPLOY_ENVIRONMENT,
          auto_merge: false,
          required_contexts: [],
          description,
        });
        // A 202 (a merge GitHub made first) carries no id: there is then no record to update.
        const id = "id" in data ? data.id : undefined;
        return {
          async setStatus(state, text, logUrl) {
            if (id === undefined) return;
            await octokit.rest.repos.createDeploymentStatus({
              ...repo,
              deployment_id: id,
              state,
              description: text.slice(0, 140),
              ...(logUrl ? { log_url: logUrl } : {}),
            });
          },
        };
      },
    },
  };
}
