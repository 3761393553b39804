import { syncMarkedComment } from "../../workflows/syncMarkedComment.js";
import { GITHUB_COMMENT_LIMIT } from "../shared/githubCommentLimit.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";

export { markerLine } from "../../workflows/syncMarkedComment.js";

/**
 * Keeps one marked comment (plus continuation parts over GitHub's limit) on an issue or PR, through
 * {@link syncMarkedComment}: only comments a bot wrote (`user.type` `Bot`) count as hostroot's.
 */
export async function upsertMarkedComment(
  octokit: GithubOctokit,
  repo: GithubRepo,
  issueNumber: number,
  marker: string,
  markdown: string,
): Promise<void> {
  await syncMarkedComment(
    {
      limit: GITHUB_COMMENT_LIMIT,
      async list() {
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
          ...repo,
          issue_number: issueNumber,
          per_page: 100,
        });
        return comments.map((c) => ({ id: c.id, body: c.body ?? "", mine: c.user?.type === "Bot" }));
      },
      async create(body) {
        await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
      },
      async update(id, body) {
        await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body });
      },
      async remove(id) {
        await octokit.rest.issues.deleteComment({ ...repo, comment_id: id });
      },
    },
    marker,
    markdown,
  );
}
