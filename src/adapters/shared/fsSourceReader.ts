import { type Dirent, readFileSync } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { SourceKind, SourceReader } from "../../ports/sourceReader.js";

const DEFINITION_FILE = /\.ya?ml$/;

/**
 * Reads definitions from a work tree, relative to `root`: the CLI's current directory, or the
 * Action's checked-out repository. Paths are reported as given (relative, `/`-separated), so
 * diagnostics and CI annotations point at repository paths, not machine paths. Symlinks are not
 * followed (a definition is a regular file), as the App skips them in git trees; they are
 * listed apart so validation can refuse them instead of skipping them silently.
 */
export function fsSourceReader(root = "."): SourceReader {
  const abs = (p: string) => path.resolve(root, p);
  const rel = (e: Dirent) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/");
  // One directory walk serves both listings of a directory.
  const walks = new Map<string, Promise<Dirent[]>>();
  const walk = (dir: string) => {
    let entries = walks.get(dir);
    if (!entries) {
      entries = readdir(abs(dir), { recursive: true, withFileTypes: true });
      walks.set(dir, entries);
    }
    return entries;
  };
  const kind = async (p: string): Promise<SourceKind> => {
    const info = await lstat(abs(p)).catch(() => undefined);
    if (!info) return "missing";
    if (info.isSymbolicLink()) return "symlink";
    return info.isDirectory() ? "dir" : "file";
  };
  return {
    kind,
    async listDefinitionFiles(dir) {
      const k = await kind(dir);
      if (k === "missing" || k === "symlink") return [];
      if (k === "file") return [dir];
      return (await walk(dir))
        .filter((e) => e.isFile() && DEFINITION_FILE.test(e.name))
        .map(rel)
        .sort();
    },
    async listDefinitionSymlinks(dir) {
      if ((await kind(dir)) !== "dir") return [];
      const links = (await walk(dir)).filter((e) => e.isSymbolicLink());
      // A link to a directory may hide definitions as well as a link named like one.
      const toDir = await Promise.all(
        links.map((e) =>
          stat(path.join(e.parentPath, e.name)).then(
            (i) => i.isDirectory(),
            () => false,
          ),
        ),
      );
      return links
        .filter((e, i) => DEFINITION_FILE.test(e.name) || toDir[i])
        .map(rel)
        .sort();
    },
    async read(p) {
      try {
        // Synchronous on purpose: for thousands of small files one read(2) loop is several times
        // cheaper than the promise API's open/fstat/read/close round trips through the thread pool.
        return readFileSync(abs(p));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
  };
}
