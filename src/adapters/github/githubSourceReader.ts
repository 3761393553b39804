import type { SourceReader } from "../../ports/sourceReader.js";
import { type ListedTree, listedTreeReader } from "../shared/listedTreeReader.js";
import type { BlobStore } from "./blobStore.js";
import type { GithubOctokit, GithubRepo } from "./githubRepo.js";

/** Git file modes of regular files; symlinks (120000) and submodules are not read, as on disk. */
const REGULAR_FILE = new Set(["100644", "100755"]);
/** Git's file mode of a symbolic link: reported by validation, never read. */
const SYMLINK = "120000";

interface TreeEntry {
  sha: string;
  size?: number;
}

/**
 * Reads files at one ref (commit SHA or branch) through the Git Data API: one recursive tree
 * request lists every file with its blob SHA, then each file read is one blob request, shared
 * through `blobs` with every other reader of the same repository. Requests stay O(files read).
 */
export function githubSourceReader(
  octokit: GithubOctokit,
  repo: GithubRepo,
  ref: string,
  blobs: BlobStore,
): SourceReader {
  return listedTreeReader(
    () => fetchTree(octokit, repo, ref),
    (entry) => blobs.get(entry.sha, entry.size),
  );
}

async function fetchTree(
  octokit: GithubOctokit,
  repo: GithubRepo,
  ref: string,
): Promise<ListedTree<TreeEntry>> {
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: ref, recursive: "1" });
  // A partial listing would make files silently vanish from validation (and the plan destroy
  // them): refuse to go on instead. GitHub truncates past 100,000 entries or 7 MB.
  if (data.truncated)
    throw new Error(
      `${repo.owner}/${repo.repo} at ${ref}: the tree is too large for one listing (GitHub truncated it)`,
    );
  const files = new Map<string, TreeEntry>();
  const dirs = new Set<string>();
  const links = new Set<string>();
  for (const e of data.tree) {
    if (!e.path) continue;
    if (e.type === "tree") dirs.add(e.path);
    else if (e.type === "blob" && e.mode === SYMLINK) links.add(e.path);
    else if (e.type === "blob" && e.sha && e.mode && REGULAR_FILE.has(e.mode))
      files.set(e.path, { sha: e.sha, ...(e.size === undefined ? {} : { size: e.size }) });
    // Every entry's parents are directories, listed or not.
    for (let at = e.path.lastIndexOf("/"); at > 0; at = e.path.lastIndexOf("/", at - 1))
      dirs.add(e.path.slice(0, at));
  }
  return { files, dirs, links };
}
