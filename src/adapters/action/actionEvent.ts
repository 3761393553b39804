import { readFileSync } from "node:fs";
import { parseSlashCommandArgs } from "../../core/slashCommandArgs.js";
import type { SlashCommand } from "../../core/slashCommands.js";
import { deploysOnMerge } from "../../workflows/deployOnMerge.js";
import type { ActionInputs } from "./actionInputs.js";

/** The parts of webhook payloads the Action reads (pull_request, push, issue_comment). */
export interface EventPayload {
  action?: string;
  ref?: string;
  /** A push's previous head (all zeros for a new branch). */
  before?: string;
  deleted?: boolean;
  repository?: { id?: number; full_name?: string; default_branch?: string; html_url?: string };
  sender?: { login?: string; type?: string };
  pusher?: { name?: string };
  pull_request?: {
    number: number;
    head: { sha: string; repo?: { id: number } | null };
    base: { ref: string; repo: { id: number } };
  };
  issue?: { number: number; pull_request?: unknown };
  comment?: {
    id: number;
    body?: string;
    user?: { login: string; type?: string } | null;
    /** Set when another GitHub App posted the comment on the user's behalf. */
    performed_via_github_app?: { id?: number; slug?: string; name?: string } | null;
  };
}

/** What the runner says about the run: the event and where it happens. */
export interface ActionEvent {
  name: string;
  /** The webhook payload of the event (`GITHUB_EVENT_PATH`), `{}` when there is none. */
  payload: EventPayload;
  /** `owner/name` of the repository the workflow runs in. */
  repository: string;
  /** Its numeric id (`GITHUB_REPOSITORY_ID`): stable across renames, it names containers' owner. */
  repositoryId: string;
  /** The commit the workflow runs at (`GITHUB_SHA`): the merge commit of a PR, the pushed head of a push. */
  sha: string;
  /** Who triggered the run (`GITHUB_ACTOR`). */
  actor: string;
  serverUrl: string;
  apiUrl: string;
  /** Link to this workflow run, for lock holders and replies. */
  runUrl: string;
  defaultBranch: string;
}

/** What one run of the Action does. */
export type ActionTask =
  | { kind: "validate" }
  /** Validate the PR's definitions and plan what merging it would change. */
  | { kind: "pull-request" }
  | { kind: "deploy"; onPush: boolean }
  | { kind: "plan" }
  | { kind: "operation"; command: SlashCommand }
  /** A slash command in an issue or PR comment: parse, authorize, run, reply. */
  | { kind: "comment" }
  | { kind: "usage"; message: string };

/** Reads the event the runner wrote and the variables it sets for every step. */
export function readEvent(env: NodeJS.ProcessEnv): ActionEvent {
  const path = env.GITHUB_EVENT_PATH;
  const payload = path ? (JSON.parse(readFileSync(path, "utf8")) as EventPayload) : {};
  const serverUrl = env.GITHUB_SERVER_URL ?? "https://github.com";
  const repository = env.GITHUB_REPOSITORY ?? payload.repository?.full_name ?? "";
  return {
    name: env.GITHUB_EVENT_NAME ?? "",
    payload,
    repository,
    repositoryId: env.GITHUB_REPOSITORY_ID ?? String(payload.repository?.id ?? ""),
    sha: env.GITHUB_SHA ?? "",
    actor: env.GITHUB_ACTOR ?? payload.sender?.login ?? "",
    serverUrl,
    apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
    runUrl: env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : "",
    defaultBranch: payload.repository?.default_branch ?? "main",
  };
}

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);

/**
 * Picks the task. `auto`: a pull request is validated and planned; a push to the default branch
 * deploys (a push elsewhere, a tag or a branch deletion only validates); a comment goes through
 * the slash-command flow; anything else (schedule, workflow_dispatch) validates. Explicit
 * commands take their arguments in slash-command syntax, checked by the same parser.
 */
export function chooseTask(inputs: ActionInputs, event: ActionEvent): ActionTask {
  const isPullRequest = PULL_REQUEST_EVENTS.has(event.name) && event.payload.pull_request !== undefined;
  switch (inputs.command) {
    case "auto": {
      if (isPullRequest) return { kind: "pull-request" };
      if (event.name === "issue_comment") return { kind: "comment" };
      const pushToDefault =
        event.name === "push" &&
        deploysOnMerge({
          ref: event.payload.ref ?? "",
          defaultBranch: event.defaultBranch,
          deleted: event.payload.deleted === true,
          after: event.sha,
        });
      return pushToDefault ? { kind: "deploy", onPush: true } : { kind: "validate" };
    }
    case "validate":
      return { kind: "validate" };
    case "plan":
      return isPullRequest ? { kind: "pull-request" } : { kind: "plan" };
    case "deploy":
      return { kind: "deploy", onPush: false };
    default: {
      const parsed = parseSlashCommandArgs(inputs.command, inputs.args);
      if (parsed.kind === "error") return { kind: "usage", message: `input args: ${parsed.message}` };
      return { kind: "operation", command: parsed.command };
    }
  }
}
