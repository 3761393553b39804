import { parseConfig } from "../../core/parseConfig.js";
import type { ConfigSource } from "../../ports/commandPorts.js";
import type { VcsClient } from "../../ports/vcsClient.js";
import { readConfigSource } from "../../workflows/readConfigSource.js";
import type { ConfigParser } from "../../workflows/validateSources.js";
import { CONFIG_PATH } from "./onPullRequest.js";

/**
 * `.github/hostroot.yml` at `ref` (the default branch, or a commit on it), through
 * {@link readConfigSource}: missing, invalid (with its first error), or the config. `parse` is the
 * App's reading of it for this repository (narrowed into its server pool).
 */
export async function readConfigAt(
  vcs: Pick<VcsClient, "sourceAt">,
  ref: string,
  label = ref,
  parse: ConfigParser = parseConfig,
): Promise<ConfigSource> {
  return readConfigSource(vcs, ref, { configPath: CONFIG_PATH, label, parse });
}
