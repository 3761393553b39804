import type { Config } from "../core/configSchema.js";
import type { Definition } from "../core/definitionSchema.js";
import type { Owner } from "../core/owner.js";
import type { SlashCommand } from "../core/slashCommands.js";
import type { OperationLimits } from "../workflows/operationLimits.js";
import type { OperationRegistry } from "../workflows/operationRegistry.js";
import type { ActorLookup } from "./actorLookup.js";
import type { AuditEntry } from "./auditEntry.js";
import type { RemoteExecutor } from "./remoteExecutor.js";

/** Reactions hostroot puts on a command's comment: seen, done, failed or refused, not understood. */
export type CommandReaction = "eyes" | "rocket" | "-1" | "confused";

/** A comment edited as hosts finish (throttled by the code host adapter), then set to the result. */
export interface ProgressComment {
  update(markdown: string): void;
  finish(markdown: string): Promise<void>;
}

/** The ops config on the default branch: absent (the repository is left alone), broken, or parsed. */
export type ConfigSource =
  | { kind: "missing" }
  | { kind: "invalid"; message: string }
  | { kind: "ok"; config: Config };

/** The default branch's definitions, read at one commit (or at the branch name: commit ""). */
export interface DefaultBranchSources {
  commit: string;
  /** The config at the same snapshot, when it parsed. */
  config?: Config;
  definitions: Array<{ file: string; definition: Definition }>;
  /** Findings of severity error; a deploy refuses to run with any. */
  errors: number;
}

/** One comment, as the code host delivered it. Edited comments never get here. */
export interface CommandRequest {
  body: string;
  actor: { login: string; isBot: boolean };
  /** `owner/name`, the issue or PR number, and the comment's web address. */
  repo: string;
  /** The repository the comment is in, by stable id: the only owner whose containers it may change. */
  owner: Owner;
  issue: number;
  url: string;
  botName?: string;
  /**
   * The GitHub App that posted the comment on the author's behalf (`performed_via_github_app`),
   * if one did: then the text is that App's, not the author's own command.
   */
  viaApp?: string;
}

/** What the command flow needs from a code host (GitHub, GitLab, an Action) and from the process. */
export interface CommandPorts extends ActorLookup {
  loadConfig(): Promise<ConfigSource>;
  /** Why this thread may not run `command` (e.g. `/deploy` on a fork's pull request), if so. */
  refusal(command: SlashCommand): Promise<string | undefined>;
  /** Posts `markdown` in the thread; the adapter splits it when it is over its host's limit. */
  reply(markdown: string): Promise<void>;
  react(reaction: CommandReaction): Promise<void>;
  openStatus(markdown: string): Promise<ProgressComment>;
  /**
   * The most characters (UTF-16 code units) one comment may hold on this code host: a result
   * longer than this is split over the status comment and follow-up replies.
   */
  commentLimit: number;
  /** The default branch's definitions; `atCommit` pins them to its current commit first. */
  loadSources(options: { atCommit: boolean }): Promise<DefaultBranchSources>;
  /** `/plan` in a pull request: validate and plan it as a push to it would. Absent in issues. */
  planPullRequest?: () => Promise<void>;
  /** An executor for the pool; closed by the flow when the operation ends. */
  executor(config: Config): RemoteExecutor;
  audit(entry: AuditEntry): void;
  operations: OperationRegistry;
  /** Operations at once per person and per repository; the workflow's defaults if absent. */
  limits?: OperationLimits;
  now?: () => Date;
}
