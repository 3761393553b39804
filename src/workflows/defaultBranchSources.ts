import type { DefaultBranchSources } from "../ports/commandPorts.js";
import type { ValidationOutcome } from "./validateSources.js";

/**
 * What a validation of the default branch at `commit` ("" when read at the branch name) gives the
 * command flow and deploy on merge: the config when it parsed, the definitions, and how many
 * findings are errors (a deploy refuses to run with any).
 */
export function defaultBranchSources(commit: string, outcome: ValidationOutcome): DefaultBranchSources {
  return {
    commit,
    ...(outcome.config ? { config: outcome.config.value } : {}),
    definitions: outcome.definitions.map((d) => ({ file: d.file, definition: d.value })),
    errors: outcome.diagnostics.filter((d) => d.severity === "error").length,
  };
}
