import type { Probot } from "probot";
import { registerCommandHandlers } from "./commandHandlers.js";
import { onPullRequest, PULL_REQUEST_EVENTS } from "./onPullRequest.js";
import { requireWebhookSecret } from "./requireWebhookSecret.js";

/**
 * The hostroot GitHub App, for `probot run` or `probot.load`. Probot verifies every webhook's
 * signature before a handler runs and authenticates as the installation that sent it.
 * Pull requests are validated and planned without touching a host; slash commands in comments
 * and pushes to the default branch (deploy on merge) reach the pool over SSH. Refuses to load
 * (and so the server to start) when webhooks would be verified with Probot's public default secret.
 */
export default async function hostrootApp(app: Probot): Promise<void> {
  await requireWebhookSecret(app);
  app.on([...PULL_REQUEST_EVENTS], onPullRequest);
  registerCommandHandlers(app);
}
