import { parseSlashCommand } from "../core/parseSlashCommand.js";
import { echo, formatSlashCommand, renderHelp } from "../core/slashCommands.js";
import type { CommandPorts, CommandReaction, CommandRequest } from "../ports/commandPorts.js";
import { authorizeActor } from "./authorizeActor.js";
import type { AuditEntry } from "./commandAudit.js";
import { commandHosts } from "./commandOperation.js";
import { DEFAULT_OPERATION_LIMITS } from "./operationLimits.js";
import { runInBackground } from "./runInBackground.js";

/** How a comment was handled; `started` work goes on in the background (see `done`). */
export type CommandOutcome =
  | { kind: "ignored" }
  | { kind: "answered" }
  | { kind: "denied"; reason: string }
  | { kind: "started"; done: Promise<void> };

/**
 * The flow of one comment, the same on every forge: parse → (config from the default branch) →
 * authorize → admit (at most so many operations per person and per repository) → acknowledge →
 * run in the background → render. Everything up to the 👀 reaction is awaited (a few API calls,
 * well inside a webhook's time budget); the operation itself is not. Bots are ignored without a
 * call; a repository without config is left alone; a comment another App posted for its author
 * is refused before any lookup.
 */
export async function runCommand(req: CommandRequest, ports: CommandPorts): Promise<CommandOutcome> {
  const now = ports.now ?? (() => new Date());
  const at = now().toISOString();
  const bot = req.botName ?? "hostroot";
  const audit = (entry: Pick<AuditEntry, "command" | "outcome"> & Partial<AuditEntry>) =>
    ports.audit({
      trigger: "slash-command",
      actor: req.actor.login,
      repo: req.repo,
      issue: req.issue,
      url: req.url,
      at,
      finishedAt: now().toISOString(),
      ...entry,
    });
  if (req.actor.isBot || /\[bot\]$/i.test(req.actor.login)) return { kind: "ignored" };
  const parsed = parseSlashCommand(req.body, { botName: bot });
  if (parsed.kind === "ignore") return { kind: "ignored" };
  const source = await ports.loadConfig();
  if (source.kind === "missing") return { kind: "ignored" };
  if (req.viaApp !== undefined) {
    // Another App (a chat integration, an automation) wrote this comment with the author's token:
    // whatever that App was told to post would run with the author's permission. Refused with a
    // reply, so the author learns why nothing ran.
    const reason = `it was posted by the GitHub App ${echo(req.viaApp, 100)} on its author's behalf, and ${bot} runs only commands people write on GitHub themselves. Write the command in a comment of your own.`;
    await ports.reply(`**${bot}** did not run this comment: ${reason}`);
    await ports.react("-1");
    audit({
      command: parsed.kind === "command" ? formatSlashCommand(parsed.command) : null,
      outcome: "refused",
      reason,
    });
    return { kind: "answered" };
  }
  if (parsed.kind === "reply") {
    await ports.reply(parsed.markdown);
    const help = parsed.markdown === renderHelp(bot);
    audit({
      command: help ? "/help" : null,
      outcome: help ? "answered" : "usage",
      ...(help ? {} : { reason: firstLine(parsed.markdown) }),
    });
    return { kind: "answered" };
  }
  const { command } = parsed;
  const text = formatSlashCommand(command);
  const shown = echo(text, 200);
  const refuse = async (outcome: "refused" | "usage", reason: string, reaction: CommandReaction) => {
    await ports.reply(`**${bot}** did not run ${shown}: ${reason}`);
    await ports.react(reaction);
    audit({ command: text, outcome, reason });
    return { kind: "answered" } as const;
  };
  if (source.kind === "invalid") return refuse("refused", source.message, "-1");
  const { config } = source;

  const { actor, auth } = await authorizeActor(
    command,
    { login: req.actor.login, isBot: false },
    config.policy,
    ports,
  );
  const { permission } = actor;
  if (auth.kind === "denied") {
    await ports.reply(`**${bot}** did not run ${shown}: ${auth.reason}\n\nNeeded: ${auth.needed}.`);
    await ports.react("-1");
    audit({ command: text, permission, outcome: "denied", reason: auth.reason });
    return { kind: "denied", reason: auth.reason };
  }
  const refusal = await ports.refusal(command);
  if (refusal !== undefined) return refuse("refused", refusal, "-1");

  if (command.kind === "help") return refuse("usage", "use `/help` alone.", "confused");
  if (command.kind === "cancel") {
    const cancelled = ports.operations.cancel(req.repo);
    const list = cancelled.map(
      (op) => `- ${echo(op.what, 200)} by @${op.actor}${op.url ? ` (${op.url})` : ""}`,
    );
    await ports.reply(
      cancelled.length === 0
        ? `**${bot}**: nothing to cancel, no operation is running in this repository.`
        : `**${bot}** cancelled ${cancelled.length === 1 ? "1 operation" : `${cancelled.length} operations`} (hosts finish the step they are in; later steps do not run):\n\n${list.join("\n")}`,
    );
    await ports.react(cancelled.length === 0 ? "confused" : "rocket");
    audit({ command: text, permission, outcome: "answered", summary: `cancelled ${cancelled.length}` });
    return { kind: "answered" };
  }
  const inPr = command.kind === "plan" && ports.planPullRequest !== undefined;
  const hosts = inPr ? { kind: "ok" as const, hosts: 0 } : commandHosts(command, config);
  if (hosts.kind === "usage") return refuse("usage", hosts.message, "confused");

  const op = ports.operations.admit(
    { repo: req.repo, what: text, actor: req.actor.login, url: req.url },
    ports.limits ?? DEFAULT_OPERATION_LIMITS,
  );
  if (op.kind === "busy") return refuse("refused", op.reason, "-1");
  try {
    await ports.react("eyes");
  } catch (error) {
    op.done();
    throw error;
  }
  const done = runInBackground({
    op,
    command,
    text,
    hosts: hosts.hosts,
    config,
    req,
    ports,
    bot,
    permission,
    audit,
  });
  ports.operations.track(done);
  return { kind: "started", done };
}

function firstLine(markdown: string): string {
  return (markdown.split("\n")[0] ?? "").slice(0, 300);
}
