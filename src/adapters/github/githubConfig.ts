import { hasErrors } from "../../core/diagnostic.js";
import { code, escapeMarkdown } from "../../core/markdown/escapeMarkdown.js";
import { parseConfig } from "../../core/parseConfig.js";
import type { ConfigSource } from "../../ports/commandPorts.js";
import type { VcsClient } from "../../ports/vcsClient.js";
import type { ConfigParser } from "../../workflows/validateSources.js";
import { CONFIG_PATH } from "./onPullRequest.js";

/**
 * `.github/hostroot.yml` at `ref` (the default branch, or a commit on it), read as raw bytes from
 * the same tree listing as the definitions and parsed by hostroot's own parser: missing (the
 * repository is left alone), invalid (with its first error, to say in a reply), or the config.
 * `parse` is the App's reading of it for this repository (narrowed into its server pool).
 */
export async function readConfigAt(
  vcs: VcsClient,
  ref: string,
  label = ref,
  parse: ConfigParser = parseConfig,
): Promise<ConfigSource> {
  const bytes = await vcs.sourceAt(ref).read(CONFIG_PATH);
  if (bytes === undefined) return { kind: "missing" };
  const parsed = parse(CONFIG_PATH, bytes);
  if (!parsed.config || hasErrors(parsed.diagnostics)) {
    const first = parsed.diagnostics.find((d) => d.severity === "error");
    const where = first ? ` (line ${first.line}: ${escapeMarkdown(first.message)})` : "";
    return {
      kind: "invalid",
      message: `${code(CONFIG_PATH)} on ${code(label)} is invalid${where}; fix it there first.`,
    };
  }
  return { kind: "ok", config: parsed.config.value };
}
