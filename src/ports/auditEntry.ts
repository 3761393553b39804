import type { PermissionLevel } from "../core/configSchema.js";
import type { HostOutcome, OperationOutcome } from "../core/operationResult.js";

/**
 * One audit record: who asked for what, where, when, and how it ended. Written once per command
 * (refused or run) and once per deploy on merge, as one JSON log line.
 */
export interface AuditEntry {
  /** What asked: a comment with a slash command, or a push to the default branch. */
  trigger: "slash-command" | "deploy-on-merge";
  /** The person (login) who commented or pushed. */
  actor: string;
  /** Their permission on the repository, when it was looked up. */
  permission?: PermissionLevel;
  /** The command in canonical form (`/upgrade-hosts libc6 --dry-run`), `deploy-on-merge`, or null when the comment held no valid command. */
  command: string | null;
  /** `owner/name`. */
  repo: string;
  /** Issue or pull request number the command was typed in, or the merged pull request. */
  issue?: number;
  /** The comment's web address (or the commit's, for a deploy on merge). */
  url?: string;
  /** Commit deployed or planned. */
  commit?: string;
  /** When the request arrived and when the record was written (ISO 8601). */
  at: string;
  finishedAt: string;
  /**
   * `ran`: the operation ran (see `result`); `denied`: not authorized; `refused`: not in this
   * place (a fork's PR, invalid config, definitions with errors); `usage`: the command was
   * malformed; `answered`: `/help` or `/cancel`; `error`: broken infrastructure (see `reason`).
   */
  outcome: "ran" | "denied" | "refused" | "usage" | "answered" | "error";
  /** Why it was denied, refused, malformed or broke. */
  reason?: string;
  /** The operation's own outcome and one-line summary. */
  result?: OperationOutcome;
  summary?: string;
  /** Hosts by outcome, zeros left out. */
  hosts?: Partial<Record<HostOutcome, number>>;
  /** Package versions reported, over all hosts: distinct versions before and after. */
  packages?: Array<{ name: string; before: string[]; after: string[] }>;
}
