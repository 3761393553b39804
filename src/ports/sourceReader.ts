/** What a path is, looked at without following a symlink. */
export type SourceKind = "file" | "dir" | "symlink" | "missing";

/**
 * Reads repository files for validation: a work tree for the CLI, the Git Data API at a PR's
 * head SHA for the GitHub App. Paths are repository-relative with `/` separators.
 */
export interface SourceReader {
  /** Definition candidates (`*.yml`, `*.yaml`) under `dir`, recursively, sorted. Empty when absent. */
  listDefinitionFiles(dir: string): Promise<string[]>;
  /** The file's bytes, or undefined when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /**
   * What `path` is, without following a symlink, so validation can tell a typo'd or symlinked
   * path from an empty directory. Readers that cannot tell leave it out.
   */
  kind?(path: string): Promise<SourceKind>;
  /**
   * Definition candidates under `dir` that are symlinks: never listed or read, but reported, so
   * a definition is not silently skipped. Readers that cannot tell leave it out.
   */
  listDefinitionSymlinks?(dir: string): Promise<string[]>;
}
