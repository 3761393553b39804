import pLimit from "p-limit";
import { DEFAULT_YAML_LIMITS } from "../../core/parseYaml.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";

/** Blob contents by git SHA, fetched at most once each. */
export interface BlobStore {
  /** The blob's bytes; `size` (from the tree) lets an oversized blob be judged without a download. */
  get(sha: string, size?: number): Promise<Uint8Array>;
}

/**
 * Fetches blobs with the Git Data API, a few at a time and each SHA once. Blobs are addressed by
 * content, so a file unchanged between the default branch and the head commit is fetched once
 * for both, and so is a config read by two readers.
 */
export function blobStore(
  octokit: GithubOctokit,
  repo: GithubRepo,
  options: { concurrency?: number; maxBytes?: number } = {},
): BlobStore {
  const limit = pLimit(options.concurrency ?? 8);
  const maxBytes = options.maxBytes ?? DEFAULT_YAML_LIMITS.maxBytes;
  const cache = new Map<string, Promise<Uint8Array>>();
  return {
    get(sha, size) {
      // Parsing refuses a file over the limit by its length alone, so zeros of that length (lazily
      // allocated) give the same diagnostic without pulling up to 100 MB from a hostile PR.
      if (size !== undefined && size > maxBytes) return Promise.resolve(new Uint8Array(size));
      let blob = cache.get(sha);
      if (!blob) {
        blob = limit(async () => {
          const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha });
          return new Uint8Array(Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8"));
        });
        cache.set(sha, blob);
      }
      return blob;
    },
  };
}
