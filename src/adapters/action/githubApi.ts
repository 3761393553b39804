import { Octokit } from "@octokit/rest";
import type { PermissionLevel } from "../../core/configSchema.js";
import type { CommandReaction, ProgressComment } from "../../ports/commandPorts.js";
import { repoPermission, teamMemberships } from "../shared/githubPermissions.js";

/** The few GitHub calls the Action makes, all with the `github-token` input. */
export interface GithubApi {
  /** The user's permission on the repository (`none` for a user GitHub does not know). */
  permission(username: string): Promise<PermissionLevel>;
  /** Of `teams` (`org/slug`, or `slug` in the repository owner's organisation), those the user is an active member of. */
  memberOf(username: string, teams: readonly string[]): Promise<string[]>;
  comment(issue: number, markdown: string): Promise<void>;
  /** A file's bytes at a commit (`path` from the repository root), or undefined when it does not exist there. */
  fileAt(path: string, ref: string): Promise<Uint8Array | undefined>;
  /** Whether pull request `number`'s head lives in another repository (a fork). */
  fromFork(number: number): Promise<boolean>;
  react(commentId: number, reaction: CommandReaction): Promise<void>;
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
    async comment(issue, body) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: issue, body });
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
