import { hasErrors } from "../core/diagnostic.js";
import { code, escapeMarkdown } from "../core/markdown/escapeMarkdown.js";
import { parseConfig } from "../core/parseConfig.js";
import type { ConfigSource } from "../ports/commandPorts.js";
import type { VcsClient } from "../ports/vcsClient.js";
import type { ConfigParser } from "./validateSources.js";

/**
 * The config file at `ref` (the default branch, or a commit on it), read as raw bytes from the same
 * tree listing as the definitions and parsed by hostroot's own parser: missing (the repository is
 * left alone), invalid (with its first error, to say in a reply), or the config. `parse` is the
 * server's reading of it for this repository (narrowed into its server pool). Every code host's
 * command flow reads its config here; only the path differs (`.github/` or `.gitlab/hostroot.yml`).
 */
export async function readConfigSource(
  vcs: Pick<VcsClient, "sourceAt">,
  ref: string,
  options: { configPath: string; label?: string; parse?: ConfigParser },
): Promise<ConfigSource> {
  const { configPath } = options;
  const bytes = await vcs.sourceAt(ref).read(configPath);
  if (bytes === undefined) return { kind: "missing" };
  const parsed = (options.parse ?? parseConfig)(configPath, bytes);
  if (!parsed.config || hasErrors(parsed.diagnostics)) {
    const first = parsed.diagnostics.find((d) => d.severity === "error");
    const where = first ? ` (line ${first.line}: ${escapeMarkdown(first.message)})` : "";
    return {
      kind: "invalid",
      message: `${code(configPath)} on ${code(options.label ?? ref)} is invalid${where}; fix it there first.`,
    };
  }
  return { kind: "ok", config: parsed.config.value };
}
