import type { VcsClient } from "../../ports/vcsClient.js";
import { blobStore } from "./blobStore.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";
import { githubSourceReader } from "./githubSourceReader.js";
import { publishCheckRun } from "./publishCheckRun.js";
import { upsertMarkedComment } from "./upsertMarkedComment.js";

/**
 * The VCS port over GitHub's REST API for one repository and one webhook delivery. Readers share
 * one blob store, so a blob is fetched once per delivery whichever ref it is read at; readers are
 * kept per ref, so each tree is listed once.
 */
export function githubVcsClient(octokit: GithubOctokit, repo: GithubRepo): VcsClient {
  const blobs = blobStore(octokit, repo);
  const readers = new Map<string, ReturnType<typeof githubSourceReader>>();
  return {
    sourceAt(ref) {
      let reader = readers.get(ref);
      if (!reader) {
        reader = githubSourceReader(octokit, repo, ref, blobs);
        readers.set(ref, reader);
      }
      return reader;
    },
    async publishCheck(report) {
      await publishCheckRun(octokit, repo, report);
    },
    upsertMarkedComment: (number, marker, markdown) =>
      upsertMarkedComment(octokit, repo, number, marker, markdown),
  };
}
