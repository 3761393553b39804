import type { PermissionLevel } from "../core/configSchema.js";
import type { CommandReaction, ProgressComment } from "./commandPorts.js";
import type { SourceReader } from "./sourceReader.js";

/** A deployment's state, as the code host shows it next to the commit. */
export type DeploymentState = "in_progress" | "success" | "failure" | "error";

/** One recorded deployment of a commit, whose status is set as the deploy goes on. */
export interface DeploymentRecord {
  /**
   * Sets the status; `description` is cut to what the host keeps (GitHub: 140 characters);
   * `logUrl` links the report (the comment with the result).
   */
  setStatus(state: DeploymentState, description: string, logUrl?: string): Promise<void>;
}

/** Deployment records on the code host (GitHub Deployments, GitLab environments). */
export interface DeploymentRecords {
  /** Records a deployment of `commit` to hostroot's environment. */
  create(commit: string, description: string): Promise<DeploymentRecord>;
}

/** The commits of a repository: trees at a ref, branch heads, and which merge made a commit. */
export interface CodeHostCommits {
  /** Files at a commit id or branch name. */
  sourceAt(ref: string): SourceReader;
  /** The commit `branch` points at now. */
  resolveBranch(branch: string): Promise<string>;
  /**
   * The pull request (merge request) merged as `commit`: the one whose merge commit it is, else
   * any merged one the host associates with it. Undefined for a direct push.
   */
  mergedPullRequest(commit: string): Promise<number | undefined>;
}

/** Comments in a repository's issues and pull requests (merge requests), within the host's size limit. */
export interface CodeHostComments {
  /** The most UTF-16 code units one comment may hold on this host (GitHub: 65,536). */
  commentLimit: number;
  /**
   * Posts `markdown` in the conversation of `issue`, split over several comments when it is over
   * {@link commentLimit}; resolves to the first comment's web address.
   */
  comment(issue: number, markdown: string): Promise<string | undefined>;
  /**
   * Makes the conversation of `issue` show `markdown` as the one comment carrying `marker`,
   * edited in place on every call (more marked comments when over the limit; parts no longer
   * needed deleted). Only comments by hostroot itself count.
   */
  upsertMarkedComment(issue: number, marker: string, markdown: string): Promise<void>;
  /** A comment edited as hosts finish (throttled), then set to the result. */
  progressComment(issue: number, markdown: string): Promise<ProgressComment>;
  /** Acknowledges comment `commentId` with a reaction (GitHub reaction, GitLab award emoji). */
  react(commentId: number, reaction: CommandReaction): Promise<void>;
}

/** Who may do what in the repository, as the host knows it. */
export interface CodeHostAccess {
  /** `login`'s permission on the repository (`none` for someone the host does not know). */
  permission(login: string): Promise<PermissionLevel>;
  /** Of `teams` (groups), those `login` is an active member of. */
  memberOf(login: string, teams: readonly string[]): Promise<string[]>;
}

/**
 * Everything hostroot asks of a code host for one repository: GitHub for the App (its
 * installation's API) and the Action (the workflow's token), GitLab. Adapters implement the parts
 * their entry point needs; workflows take the narrow ports built from it.
 */
export interface CodeHost extends CodeHostCommits, CodeHostComments, CodeHostAccess {
  /** Absent where the host keeps no deployment records, or they are kept elsewhere. */
  deployments?: DeploymentRecords;
}
