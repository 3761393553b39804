import { fail, packageSpec } from "./argRules.js";
import type { CommandSpec } from "./commandSpec.js";
import { echo } from "./slashText.js";

/** `/affected PKG`. */
export interface AffectedCommand {
  kind: "affected";
  package: string;
}

/** List the containers that would restart if PKG were upgraded. */
export const affectedCommand: CommandSpec<AffectedCommand> = {
  name: "affected",
  usage: "/affected PKG",
  summary: "List the containers that would restart if PKG were upgraded.",
  // Reaches every host over SSH (see status).
  defaultPermission: "triage",
  flags: {},
  maxPositional: 1,
  checkPositional(word) {
    if (word.includes("=")) fail(`${echo(word)}: \`/affected\` takes a package name without a version.`);
    packageSpec(word);
  },
  parse(positional) {
    if (positional[0] === undefined) fail("name the package.");
    return { kind: "affected", package: positional[0] };
  },
  format: (command) => [command.package],
  reachesHosts: () => true,
};
