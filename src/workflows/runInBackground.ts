import type { Config, PermissionLevel } from "../core/configSchema.js";
import { escapeMarkdown } from "../core/markdown/escapeMarkdown.js";
import { plural } from "../core/markdown/plural.js";
import { splitMarkdown } from "../core/markdown/splitMarkdown.js";
import type { HostOutcome, HostResult } from "../core/operationResult.js";
import { echo, type SlashCommand } from "../core/slashCommands.js";
import type { CommandPorts, CommandRequest, ProgressComment } from "../ports/commandPorts.js";
import type { RemoteExecutor } from "../ports/remoteExecutor.js";
import { type AuditEntry, auditResult } from "./commandAudit.js";
import { type PoolCommand, runOperation } from "./commandOperation.js";
import type { OperationHandle } from "./operationRegistry.js";

/** What {@link runInBackground} continues from, once the command was authorized and acknowledged. */
export interface BackgroundJob {
  /** The operation's place in the registry, taken when it was admitted; released when it ends. */
  op: OperationHandle;
  command: Exclude<SlashCommand, { kind: "help" | "cancel" }>;
  text: string;
  hosts: number;
  config: Config;
  req: CommandRequest;
  ports: CommandPorts;
  bot: string;
  permission: PermissionLevel;
  audit: (entry: Pick<AuditEntry, "command" | "outcome"> & Partial<AuditEntry>) => void;
}

const ICON: Record<HostOutcome, string> = {
  succeeded: "✅",
  failed: "❌",
  skipped: "⏭️",
  unreachable: "🔌",
  "not-run": "⏸️",
};

/** The status comment while hosts finish: counts, and every host that did not succeed (first 20). */
export function progressMarkdown(head: string, finished: readonly HostResult[], total: number): string {
  const counts = new Map<HostOutcome, number>();
  for (const h of finished) counts.set(h.outcome, (counts.get(h.outcome) ?? 0) + 1);
  const tally = [...counts].map(([o, n]) => `${ICON[o]} ${n} ${o}`).join(" · ");
  const bad = finished.filter((h) => h.outcome === "failed" || h.outcome === "unreachable");
  const lines = bad
    .slice(0, 20)
    .map((h) => `- \`${h.host}\` ${ICON[h.outcome]} ${escapeMarkdown((h.error ?? h.outcome).slice(0, 200))}`);
  if (bad.length > 20) lines.push(`- and ${bad.length - 20} more`);
  return [
    `${head}: ${finished.length} of ${plural(total, "host")} done.`,
    "",
    tally,
    ...(lines.length ? ["", ...lines] : []),
  ].join("\n");
}

/**
 * The part of a command that may take minutes: a status comment, the operation with the
 * comment edited as hosts finish, then the result in that comment (more comments when it is over
 * the size limit), a final reaction and the audit line. Cancellable through the registry. Never
 * rejects: broken infrastructure is reported in the thread and in the audit line.
 */
export async function runInBackground(job: BackgroundJob): Promise<void> {
  const { ports, req, command, text, bot, op } = job;
  const base = { command: text, permission: job.permission };
  let status: ProgressComment | undefined;
  let executor: RemoteExecutor | undefined;
  try {
    if (command.kind === "plan" && ports.planPullRequest) {
      await ports.planPullRequest();
      await ports.react("rocket");
      job.audit({ ...base, outcome: "ran", summary: "pull request validated and planned" });
      return;
    }
    const head = `⏳ **${bot}** is running ${echo(text, 200)} for @${req.actor.login}`;
    status = await ports.openStatus(`${head} on ${plural(job.hosts, "host")}…`);
    const sources = await ports.loadSources({
      atCommit: command.kind === "deploy" || command.kind === "plan",
    });
    if (command.kind === "deploy" && sources.errors > 0) {
      const reason = `the default branch's definitions have ${plural(sources.errors, "error")}; nothing was deployed. Fix them first (the pull request check lists them).`;
      await status.finish(`**${bot}** did not run ${echo(text, 200)}: ${reason}`);
      await ports.react("-1");
      job.audit({ ...base, outcome: "refused", reason, commit: sources.commit });
      return;
    }
    const config = sources.config ?? job.config;
    executor = ports.executor(config);
    const finished: HostResult[] = [];
    const out = await runOperation(command as PoolCommand, {
      config,
      definitions: sources.definitions,
      commit: sources.commit,
      executor,
      holder: `${text} by @${req.actor.login} in ${req.repo}#${req.issue}`,
      owner: req.owner,
      signal: op.signal,
      onHostDone: (h) => {
        finished.push(h);
        status?.update(progressMarkdown(head, finished, job.hosts));
      },
      ...(ports.now ? { now: ports.now } : {}),
    });
    if (out.kind === "usage") {
      await status.finish(`**${bot}** did not run ${echo(text, 200)}: ${escapeMarkdown(out.message)}`);
      await ports.react("confused");
      job.audit({ ...base, outcome: "usage", reason: out.message });
      return;
    }
    const [first = "", ...rest] = splitMarkdown(out.markdown, ports.commentLimit);
    await status.finish(first);
    for (const part of rest) await ports.reply(part);
    await ports.react(out.result.outcome === "succeeded" ? "rocket" : "-1");
    job.audit({
      ...base,
      outcome: "ran",
      ...auditResult(out.result),
      ...(sources.commit ? { commit: sources.commit } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const shown = `❌ **${bot}** could not finish ${echo(text, 200)}: ${escapeMarkdown(message)}`;
    // Reporting is best effort here: GitHub itself may be what broke.
    await (status ? status.finish(shown) : ports.reply(shown)).catch(() => {});
    await ports.react("-1").catch(() => {});
    job.audit({ ...base, outcome: "error", reason: message });
  } finally {
    op.done();
    await executor?.close().catch(() => {});
  }
}
