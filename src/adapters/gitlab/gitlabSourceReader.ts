import pLimit from "p-limit";
import { DEFAULT_YAML_LIMITS } from "../../core/parseYaml.js";
import type { SourceReader } from "../../ports/sourceReader.js";
import { type ListedTree, listedTreeReader } from "../shared/listedTreeReader.js";
import type { GitlabApi } from "./gitlabApi.js";

/** Git file modes of regular files; symlinks (120000) and submodules are not read, as on disk. */
const REGULAR_FILE = new Set(["100644", "100755"]);
const SYMLINK = "120000";

/** Blob contents by git SHA, fetched at most once each, a few at a time. */
export type GitlabBlobs = (sha: string) => Promise<Uint8Array>;

/** One blob cache for a project, shared by every reader of one delivery. */
export function gitlabBlobs(api: GitlabApi, projectId: number, concurrency = 8): GitlabBlobs {
  const limit = pLimit(concurrency);
  const cache = new Map<string, Promise<Uint8Array>>();
  return (sha) => {
    let blob = cache.get(sha);
    if (!blob) {
      blob = limit(async () => {
        const raw = await api.Repositories.showBlobRaw(projectId, sha);
        const bytes = new Uint8Array(await (raw as Blob).arrayBuffer());
        // GitLab's tree lists no sizes: an oversized file is cut to one byte over the limit,
        // which the parser refuses by its length alone, as it would the whole file.
        return bytes.length > DEFAULT_YAML_LIMITS.maxBytes
          ? bytes.subarray(0, DEFAULT_YAML_LIMITS.maxBytes + 1)
          : bytes;
      });
      cache.set(sha, blob);
    }
    return blob;
  };
}

/**
 * Reads a project's files at one ref (commit SHA or branch) through GitLab's repository API: one
 * recursive tree listing (paginated) names every file with its blob SHA, then each file read is
 * one raw-blob request, shared through `blobs`. Requests stay O(files read).
 */
export function gitlabSourceReader(
  api: GitlabApi,
  projectId: number,
  ref: string,
  blobs: GitlabBlobs,
): SourceReader {
  return listedTreeReader(() => fetchTree(api, projectId, ref), blobs);
}

async function fetchTree(api: GitlabApi, projectId: number, ref: string): Promise<ListedTree<string>> {
  const entries = await api.Repositories.allRepositoryTrees(projectId, {
    ref,
    recursive: true,
    perPage: 100,
  });
  const files = new Map<string, string>();
  const dirs = new Set<string>();
  const links = new Set<string>();
  for (const e of entries) {
    if (e.type === "tree") dirs.add(e.path);
    else if (e.type === "blob" && e.mode === SYMLINK) links.add(e.path);
    else if (e.type === "blob" && REGULAR_FILE.has(e.mode)) files.set(e.path, e.id);
    for (let at = e.path.lastIndexOf("/"); at > 0; at = e.path.lastIndexOf("/", at - 1))
      dirs.add(e.path.slice(0, at));
  }
  return { files, dirs, links };
}
