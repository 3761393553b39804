import type { PermissionLevel } from "../configSchema.js";
import type { CommandFlags } from "./argRules.js";

/**
 * Everything pure about one slash command, in one place: what `/help` says of it, who may run it
 * by default, which words it takes and how they become a value, and how that value is written
 * back. Its `run` lives in the workflows (src/workflows/commands), which the core never imports.
 */
export interface CommandSpec<C extends { kind: string }> {
  name: C["kind"];
  /** The usage line `/help` and usage replies show. */
  usage: string;
  /** One sentence for `/help`. */
  summary: string;
  /** The least repository permission that may run it unless the policy says otherwise. */
  defaultPermission: PermissionLevel;
  /** Its flags: `value` takes one (`--host h1`, `--host=h1`), `switch` none. Others are refused by name. */
  flags: Readonly<Record<string, "value" | "switch">>;
  /** Most positional words. */
  maxPositional: number;
  /** The reply when there are more positional words than that, if not "unexpected WORD". */
  tooMany?: string;
  /** Checks one positional word as soon as it is seen, so the first bad token is the one reported (throws via fail). */
  checkPositional?(word: string): void;
  /** Builds the command from its checked words (throws via fail). */
  parse(positional: readonly string[], flags: CommandFlags): C;
  /** The words after `/name` that give back exactly this value. */
  format(command: C): string[];
  /**
   * Whether running it contacts the pool. `plansPullRequest`: the thread is a pull request the
   * adapter plans from its head alone.
   */
  reachesHosts(options: { plansPullRequest: boolean }): boolean;
  /** Reads the default branch pinned at its current commit (recorded on hosts), not at the branch name. */
  pinsCommit?: boolean;
  /** Refuses to run while the default branch's definitions have errors. */
  needsValidDefinitions?: boolean;
  /** May be given as the Action's `command:` input (with `args:`) rather than only in a comment. */
  actionInput?: boolean;
}
