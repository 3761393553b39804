import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { SourceReader } from "../../ports/sourceReader.js";

const DEFINITION_FILE = /\.ya?ml$/;

/**
 * Reads definitions from a work tree, relative to `root`. Paths are reported as given (relative),
 * so diagnostics and CI annotations point at repository paths, not machine paths.
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
        return await readFile(abs(p));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
  };
}
