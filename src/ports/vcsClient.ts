import type { Diagnostic } from "../core/diagnostic.js";
import type { SourceReader } from "./sourceReader.js";

/** A pull request (or merge request) under review, as the workflows need it. */
export interface PullRequestRef {
  number: number;
  /** The commit under review; definitions are read here and the check is attached here. */
  headSha: string;
  /** Branch that holds the ops-owned policy and the definitions as merged so far. */
  defaultBranch: string;
  /** Head lives in another repository: validated like any other, never deployed. */
  fromFork: boolean;
  /** Web address of the base repository, e.g. `https://github.com/acme/containers`, for links. */
  repoUrl: string;
}

/** Outcome of a check: only errors fail it. */
export type CheckConclusion = "success" | "failure";

/** One check on one commit: a headline, a markdown summary and the diagnostics as annotations. */
export interface CheckReport {
  name: string;
  headSha: string;
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  diagnostics: readonly Diagnostic[];
}

/**
 * What the workflows need from a code host. Reading is by ref so the policy can come from the
 * default branch while definitions come from the head commit; writing is idempotent by design
 * (a marker finds the comment to edit), so a redelivered webhook never duplicates output.
 */
export interface VcsClient {
  /** Files at a commit SHA or branch name. Reads are cached per blob, so sharing is cheap. */
  sourceAt(ref: string): SourceReader;
  /** Publishes one check with every diagnostic as a line annotation. */
  publishCheck(report: CheckReport): Promise<void>;
  /**
   * Makes the conversation of `number` show `markdown` as the one comment carrying `marker`,
   * edited in place on every call. Markdown over the host's size limit goes into extra marked
   * comments; parts a shorter version no longer needs are deleted.
   */
  upsertMarkedComment(number: number, marker: string, markdown: string): Promise<void>;
}
