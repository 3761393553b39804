import { createHmac } from "node:crypto";
import type { Probot } from "probot";

/** The secret Probot verifies webhooks with when none is configured; it is public. */
export const PUBLIC_DEFAULT_SECRET = "development";

/** Why the App will not start with the default secret, as the operator reads it. */
export const DEFAULT_SECRET_REFUSAL =
  "hostroot refuses to start: the webhook secret is unset, empty or Probot's public default " +
  `"${PUBLIC_DEFAULT_SECRET}", so anyone could send a forged webhook (a comment "by" an admin runs as that admin). ` +
  "Set WEBHOOK_SECRET to the webhook secret of the GitHub App (a long random string).";

/**
 * Throws when `app` would accept a webhook signed with Probot's public default secret. Probot
 * falls back to that secret when `WEBHOOK_SECRET` (or `--secret`) is unset or empty, and keeps the
 * secret to itself; so the App signs a probe with the default and asks Probot's own verifier,
 * which catches every way of ending up with it (environment, `.env`, command line, options).
 */
export async function requireWebhookSecret(app: Probot): Promise<void> {
  const probe = JSON.stringify({ zen: "hostroot startup probe" });
  const signature = `sha256=${createHmac("sha256", PUBLIC_DEFAULT_SECRET).update(probe).digest("hex")}`;
  if (await app.webhooks.verify(probe, signature)) {
    app.log.fatal(DEFAULT_SECRET_REFUSAL);
    throw new Error(DEFAULT_SECRET_REFUSAL);
  }
}
