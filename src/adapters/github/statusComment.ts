import {
  type StatusComment,
  type ThrottleOptions,
  throttledEditor,
} from "../../workflows/throttledEditor.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";

export { type StatusComment, type ThrottleOptions, throttledEditor };

/** Creates the status comment on an issue or PR and returns its throttled editor. */
export async function openStatusComment(
  octokit: GithubOctokit,
  repo: GithubRepo,
  issueNumber: number,
  markdown: string,
  options: ThrottleOptions = {},
): Promise<StatusComment> {
  const { data } = await octokit.rest.issues.createComment({
    ...repo,
    issue_number: issueNumber,
    body: markdown,
  });
  const edit = async (body: string) => {
    await octokit.rest.issues.updateComment({ ...repo, comment_id: data.id, body });
  };
  return throttledEditor(edit, { ...options, url: data.html_url });
}
