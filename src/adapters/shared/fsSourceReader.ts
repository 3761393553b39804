import { readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { SourceReader } from "../../ports/sourceReader.js";

const DEFINITION_FILE = /\.ya?ml$/;

/**
 * Reads definitions from a work tree, relative to `root`: the CLI's current directory, or the
 * Action's checked-out repository. Paths are reported as given (relative, `/`-separated), so
 * diagnostics and CI annotations point at repository paths, not machine paths. Symlinks are not
 * followed (a definition is a regular file), as the App skips them in git trees.
 */
export function fsSourceReader(root = "."): SourceReader {
  const abs = (p: string) => path.resolve(root, p);
  return {
    async listDefinitionFiles(dir) {
      const info = await stat(abs(dir)).catch(() => undefined);
      if (!info) return [];
      if (info.isFile()) return [dir];
      const entries = await readdir(abs(dir), { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && DEFINITION_FILE.test(e.name))
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
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
