import type { Probot } from "probot";
import { registerCommandHandlers } from "./commandHandlers.js";
import { onPullRequest, PULL_REQUEST_EVENTS } from "./onPullRequest.js";

/**
 * The hostroot GitHub App, for `probot run` or `probot.load`. Probot verifies every webhook's
 * signature before a handler runs and authenticates as the installation that sent it.
 * Pull requests are validated and planned without touching a host; slash commands in comments
 * and pushes to the default branch (deploy on merge) reach the pool over SSH.
 */
export default function hostrootApp(app: Probot): void {
  app.on([...PULL_REQUEST_EVENTS], onPullRequest);
  registerCommandHandlers(app);
}
