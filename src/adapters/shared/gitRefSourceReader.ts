import { execFileSync } from "node:child_process";
import type { SourceReader } from "../../ports/sourceReader.js";

const DEFINITION_FILE = /\.ya?ml$/;
/** Regular files only: symlinks (120000) and submodules are not definitions, as in the App. */
const REGULAR_FILE = new Set(["100644", "100755"]);
/** Room for any file the YAML limits would still look at (an oversized one is refused by length). */
const MAX_BUFFER = 256 * 1024 * 1024;

/** `refs/remotes/origin/<branch>`: where a fetch of the default branch leaves it in a checkout. */
export function remoteBranchRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}

/** True when `ref` names a commit in the repository at `root` (i.e. it was fetched). */
export function hasCommit(root: string, ref: string): boolean {
  try {
    git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads files at a git ref of the local clone, relative to `root`, without touching the work
 * tree: one `ls-tree` lists every file with its blob id, and the definitions listed are read in
 * one `cat-file --batch`, so thousands of files cost two processes, not thousands. Every git
 * call is an argv list; no path or ref ever passes through a shell.
 */
export function gitRefSourceReader(root: string, ref: string): SourceReader {
  let tree: Tree | undefined;
  const blobs = new Map<string, Buffer>();
  const load = () => {
    // Paths relative to root (git's default), so they match the work tree reader's.
    tree ??= parseTree(git(root, ["ls-tree", "-r", "-z", ref]).toString("utf8"));
    return tree;
  };
  return {
    async listDefinitionFiles(dir) {
      const { files } = load();
      const clean = dir.replace(/\/+$/, "").replace(/^\.\//, "");
      if (files.has(clean)) return [clean];
      const prefix = clean === "" || clean === "." ? "" : `${clean}/`;
      const found = [...files.keys()].filter((p) => p.startsWith(prefix) && DEFINITION_FILE.test(p)).sort();
      readBatch(
        root,
        found.map((p) => files.get(p) as string).filter((sha) => !blobs.has(sha)),
        blobs,
      );
      return found;
    },
    async read(path) {
      const sha = load().files.get(path);
      if (sha === undefined) return undefined;
      if (!blobs.has(sha)) readBatch(root, [sha], blobs);
      return blobs.get(sha);
    },
    async kind(path) {
      const { files, dirs, links } = load();
      const clean = path.replace(/\/+$/, "").replace(/^\.\//, "");
      if (clean === "" || clean === "." || dirs.has(clean)) return "dir";
      if (links.has(clean)) return "symlink";
      return files.has(clean) ? "file" : "missing";
    },
    async listDefinitionSymlinks(dir) {
      const { links } = load();
      const clean = dir.replace(/\/+$/, "").replace(/^\.\//, "");
      const prefix = clean === "" || clean === "." ? "" : `${clean}/`;
      return [...links].filter((p) => p.startsWith(prefix) && DEFINITION_FILE.test(p)).sort();
    },
  };
}

function git(root: string, args: string[], input?: string): Buffer {
  return execFileSync("git", args, {
    cwd: root,
    maxBuffer: MAX_BUFFER,
    stdio: ["pipe", "pipe", "pipe"],
    ...(input === undefined ? {} : { input }),
  });
}

/** Regular files (path to blob id), directories and symlinks of one tree. */
interface Tree {
  files: Map<string, string>;
  dirs: Set<string>;
  links: Set<string>;
}

/** `ls-tree -r -z` output: `<mode> <type> <sha>\t<path>\0` per entry. */
function parseTree(text: string): Tree {
  const tree: Tree = { files: new Map(), dirs: new Set(), links: new Set() };
  for (const entry of text.split("\0")) {
    const tab = entry.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, sha] = entry.slice(0, tab).split(" ");
    const path = entry.slice(tab + 1);
    if (type === "blob" && mode === "120000") tree.links.add(path);
    else if (type === "blob" && mode && sha && REGULAR_FILE.has(mode)) tree.files.set(path, sha);
    // `ls-tree -r` lists no trees: every entry's parents are the directories.
    for (let at = path.lastIndexOf("/"); at > 0; at = path.lastIndexOf("/", at - 1))
      tree.dirs.add(path.slice(0, at));
  }
  return tree;
}

/** `cat-file --batch` answers `<sha> blob <size>\n<bytes>\n` for each requested id, in order. */
function readBatch(root: string, shas: string[], into: Map<string, Buffer>): void {
  if (shas.length === 0) return;
  const out = git(root, ["cat-file", "--batch"], `${shas.join("\n")}\n`);
  let at = 0;
  for (const sha of shas) {
    const eol = out.indexOf(10, at);
    const header = out.subarray(at, eol).toString("utf8").split(" ");
    const size = Number(header[2]);
    if (header[1] !== "blob" || !Number.isInteger(size))
      throw new Error(`git cat-file: unexpected answer for ${sha}`);
    into.set(sha, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
}
