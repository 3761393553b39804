import { Octokit } from "@octokit/rest";
import { splitMarkdown } from "../../core/markdown/splitMarkdown.js";
import type { CodeHostAccess, CodeHostComments, CodeHostCommits } from "../../ports/codeHost.js";
import type { ProgressComment } from "../../ports/commandPorts.js";
import { GITHUB_COMMENT_LIMIT } from "../shared/githubCommentLimit.js";
import { repoPermission, teamMemberships } from "../shared/githubPermissions.js";

/**
 * The few GitHub calls the Action makes, all with the `github-token` input: the code host port's
 * comments and access lookups (the Action reads trees from its clone, and leaves deployment
 * records to the job's `environment:`), plus what only the Action asks.
 */
export interface GithubApi
  extends CodeHostAccess,
    Omit<CodeHostComments, "upsertMarkedComment">,
    Pick<CodeHostCommits, "mergedPullRequest"> {
  /** A file's bytes at a commit (`path` from the repository root), or undefined when it does not exist there. */
  fileAt(path: string, ref: string): Promise<Uint8Array | undefined>;
  /** Whether pull request `number`'s head lives in another repository (a fork). */
  fromFork(number: number): Promise<boolean>;
  /** A comment edited as hosts finish (at most every `intervalMs`), then set to the result. */
  progressComment(issue: number, markdown: string, intervalMs?: number): Promise<ProgressComment>;
}

/**
 * GitHub's REST API for `owner/name` with the workflow's token. The permission is the
 * repository role GitHub reports (`role_name`: admin, maintain, write, triage, read; else the
 * legacy `permission`); `author_association` in the event is not a permission and is not used.
 */
export function githubApi(token: string, apiUrl: string, repository: string): GithubApi {
  const [owner = "", repo = ""] = repository.split("/", 2);
  // Failed requests are handled here (a 404 is an answer) or rethrown with their message: no
  // second report of them from Octokit's request log.
  const quiet = () => {};
  const octokit = new Octokit({
    auth: token,
    baseUrl: apiUrl,
    userAgent: "hostroot-action",
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  return {
    permission: (username) => repoPermission(octokit, { owner, repo }, username),
    memberOf: (username, teams) => teamMemberships(octokit, { owner, repo }, username, teams),
    commentLimit: GITHUB_COMMENT_LIMIT,
    async comment(issue, markdown) {
      let url: string | undefined;
      for (const body of splitMarkdown(markdown, GITHUB_COMMENT_LIMIT)) {
        const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body });
        url ??= data.html_url;
      }
      return url;
    },
    async mergedPullRequest(commit) {
      const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({
        owner,
        repo,
        commit_sha: commit,
      });
      const merged = data.filter((p) => p.merged_at);
      return (merged.find((p) => p.merge_commit_sha === commit) ?? merged[0])?.number;
    },
    async fileAt(path, ref) {
      try {
        const { data } = await octokit.rest.repos.getContent({ owner, repo, path, ref });
        if (Array.isArray(data) || data.type !== "file") return undefined;
        return new Uint8Array(Buffer.from(data.content, "base64"));
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }
    },
    async fromFork(number) {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
      // Compared by id, as the App does: a deleted fork has no head repository at all.
      return data.head.repo?.id !== data.base.repo.id;
    },
    async react(commentId, content) {
      await octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: commentId, content });
    },
    async progressComment(issue, markdown, intervalMs = 5000) {
      const { data } = await octokit.rest.issues.createComment({
        owner,
        repo,
        issue_number: issue,
        body: markdown,
      });
      const edit = (body: string) =>
        octokit.rest.issues.updateComment({ owner, repo, comment_id: data.id, body });
      let last = Date.now();
      let inFlight: Promise<unknown> | undefined;
      let finished = false;
      return {
        update(body) {
          // Progress is best effort: skip an edit while one is in flight or too soon after the last.
          if (finished || inFlight || Date.now() - last < intervalMs) return;
          last = Date.now();
          inFlight = edit(body)
            .catch(() => undefined)
            .finally(() => {
              inFlight = undefined;
            });
        },
        async finish(body) {
          finished = true;
          await inFlight;
          await edit(body);
        },
      };
    },
  };
}
