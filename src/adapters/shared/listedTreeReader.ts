import type { SourceReader } from "../../ports/sourceReader.js";

const DEFINITION_FILE = /\.ya?ml$/;

/**
 * One listing of a tree at a ref, as a code host's API gives it: regular files by path (with
 * whatever reads their bytes), and the directories and symlinks (reported, never read).
 */
export interface ListedTree<F> {
  files: Map<string, F>;
  dirs: Set<string>;
  links: Set<string>;
}

/**
 * A SourceReader over a tree listed once (`load`, called lazily and at most once) whose files are
 * read one by one (`read`): how every code host's API reader works, so GitHub and GitLab answer
 * `kind`, directory listings and symlinks alike.
 */
export function listedTreeReader<F>(
  load: () => Promise<ListedTree<F>>,
  read: (file: F) => Promise<Uint8Array>,
): SourceReader {
  let tree: Promise<ListedTree<F>> | undefined;
  const listed = () => {
    tree ??= load();
    return tree;
  };
  const clean = (path: string) => path.replace(/\/+$/, "");
  const under = (dir: string) => {
    const d = clean(dir);
    return d === "" || d === "." ? "" : `${d}/`;
  };
  const definitionsIn = (paths: Iterable<string>, dir: string) =>
    [...paths].filter((p) => p.startsWith(under(dir)) && DEFINITION_FILE.test(p)).sort();
  return {
    async listDefinitionFiles(dir) {
      const { files } = await listed();
      if (files.has(clean(dir))) return [clean(dir)];
      return definitionsIn(files.keys(), dir);
    },
    async read(path) {
      const file = (await listed()).files.get(path);
      return file === undefined ? undefined : read(file);
    },
    async kind(path) {
      const { files, dirs, links } = await listed();
      const p = clean(path);
      if (p === "" || p === "." || dirs.has(p)) return "dir";
      if (links.has(p)) return "symlink";
      return files.has(p) ? "file" : "missing";
    },
    async listDefinitionSymlinks(dir) {
      return definitionsIn((await listed()).links, dir);
    },
  };
}
