import { readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { SourceReader } from "../../ports/sourceReader.js";

const DEFINITION_FILE = /\.ya?ml$/;

/**
 * Reads the checked-out repository, relative to `root`. Paths stay repository-relative with `/`
 * separators, so annotations land on the files of the pull request. Symlinks are not followed
 * (a definition is a regular file), as the App skips them in git trees.
 */
export function worktreeSourceReader(root: string): SourceReader {
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
        return readFileSync(abs(p));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
  };
}
