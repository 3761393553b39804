import { splitMarkdown } from "../../core/markdown/splitMarkdown.js";
import { GITHUB_COMMENT_LIMIT } from "../shared/githubCommentLimit.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";

/** The hidden first line that finds part `index` (1-based) of a marked comment. */
export function markerLine(marker: string, index: number): string {
  return index === 1 ? `<!-- ${marker} -->` : `<!-- ${marker} part ${index} -->`;
}

/**
 * Keeps one marked comment (plus continuation parts when the markdown is over GitHub's limit) on
 * an issue or PR: parts found by their marker are edited only when their text changed, missing
 * ones are created, and parts a shorter version no longer needs, or duplicates left by a race
 * between two deliveries, are deleted. Only comments written by a bot count, so a person quoting
 * the marker never gets their comment overwritten.
 */
export async function upsertMarkedComment(
  octokit: GithubOctokit,
  repo: GithubRepo,
  issueNumber: number,
  marker: string,
  markdown: string,
): Promise<void> {
  const reserve = `${markerLine(marker, 9999)}\n`.length;
  const parts = splitMarkdown(markdown, GITHUB_COMMENT_LIMIT - reserve).map(
    (text, i) => `${markerLine(marker, i + 1)}\n${text}`,
  );
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const pattern = new RegExp(
    `^<!-- ${marker.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?: part (\\d+))? -->\\n`,
  );
  const found = new Map<number, { id: number; body: string }>();
  const extra: number[] = [];
  for (const c of comments) {
    const match = c.user?.type === "Bot" ? pattern.exec(c.body ?? "") : null;
    if (!match) continue;
    const index = match[1] === undefined ? 1 : Number(match[1]);
    if (found.has(index) || index > parts.length) extra.push(c.id);
    else found.set(index, { id: c.id, body: c.body ?? "" });
  }
  for (const [i, body] of parts.entries()) {
    const existing = found.get(i + 1);
    if (!existing) await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
    else if (existing.body !== body)
      await octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
  }
  for (const id of extra) await octokit.rest.issues.deleteComment({ ...repo, comment_id: id });
}
