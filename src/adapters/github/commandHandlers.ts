import type { Probot } from "probot";
import { type CommandAppOptions, commandAppOptions } from "./commandOptions.js";
import { onIssueComment } from "./onIssueComment.js";
import { onPush } from "./onPush.js";

/**
 * Registers slash commands (`issue_comment.created` only: edits and deletions never run anything)
 * and deploy on merge (`push`). Operations continue in the background after the handler returns;
 * `options.operations.idle()` waits for them.
 */
export function registerCommandHandlers(app: Probot, overrides: Partial<CommandAppOptions> = {}): void {
  const options = commandAppOptions(overrides);
  app.on("issue_comment.created", async (context) => {
    await onIssueComment(context, options);
  });
  app.on("push", (context) => onPush(context, options));
}
