import { githubOwner, type Owner } from "../../core/owner.js";
import type { ActionEvent } from "./actionEvent.js";
import type { ActionInputs } from "./actionInputs.js";
import type { ActionOutcome, ActionReport } from "./actionReport.js";

/** Everything a task of the Action works with. */
export interface TaskContext {
  env: NodeJS.ProcessEnv;
  inputs: ActionInputs;
  event: ActionEvent;
  /** The working directory: the checkout, or the `working-directory` inside it. */
  root: string;
  report: ActionReport;
}

/** What a task hands back; the summary is added when the report is finished. */
export type TaskOutcome = Omit<ActionOutcome, "summary">;

/** Web address of the repository, for links from the summary to lines. */
export function repoUrl(ctx: TaskContext): string {
  return ctx.event.payload.repository?.html_url ?? `${ctx.event.serverUrl}/${ctx.event.repository}`;
}

/**
 * The repository the workflow runs in, as the owner of the containers it deploys: the same
 * `github:<id>` the App records, so the Action and the App agree on whose containers are whose.
 */
export function actionOwner(ctx: TaskContext): Owner {
  const { repositoryId, repository } = ctx.event;
  if (!/^[0-9]+$/.test(repositoryId))
    throw new Error(
      "GITHUB_REPOSITORY_ID is not set: hostroot cannot tell which repository owns the containers",
    );
  return githubOwner({ id: repositoryId, full_name: repository });
}

/** Who holds a host lock, shown to whoever waits for it: what, by whom, and the run to look at. */
export function holderName(ctx: TaskContext, what: string, who = ctx.event.actor): string {
  const run = ctx.event.runUrl ? ` (GitHub Actions run ${ctx.event.runUrl})` : " (GitHub Actions)";
  return `${what} by @${who || "unknown"}${run}`;
}
