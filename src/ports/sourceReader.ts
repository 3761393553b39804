/**
 * Reads repository files for validation: a work tree for the CLI, the Git Data API at a PR's
 * head SHA for the GitHub App. Paths are repository-relative with `/` separators.
 */
export interface SourceReader {
  /** Definition candidates (`*.yml`, `*.yaml`) under `dir`, recursively, sorted. Empty when absent. */
  listDefinitionFiles(dir: string): Promise<string[]>;
  /** The file's bytes, or undefined when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
}
