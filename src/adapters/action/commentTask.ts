import { hasErrors } from "../../core/diagnostic.js";
import { parseConfig } from "../../core/parseConfig.js";
import { reachesHosts } from "../../core/slashCommands.js";
import type { CommandPorts } from "../../ports/commandPorts.js";
import type { AuditEntry } from "../../workflows/commandAudit.js";
import { OperationRegistry } from "../../workflows/operationRegistry.js";
import { runCommand } from "../../workflows/runCommand.js";
import { validateSources } from "../../workflows/validateSources.js";
import { fsSourceReader } from "../shared/fsSourceReader.js";
import { missingKey, sshExecutor } from "./actionExecutor.js";
import type { ActionOutcomeKind } from "./actionReport.js";
import { githubApi } from "./githubApi.js";
import { actionOwner, type TaskContext, type TaskOutcome } from "./taskContext.js";

const FORK_DEPLOY =
  "this pull request comes from a fork, and hostroot never deploys from a fork's pull request. " +
  "`/deploy` deploys the default branch; run it in an issue or in a pull request of this repository.";

/**
 * A slash command in an issue or pull request comment, through the same parse → authorize → run
 * flow as the App ({@link runCommand}). The workflow runs on the default branch, so the checkout
 * is where policy and definitions come from. Only new comments count (an edit could turn an
 * approved comment into another command); bots are ignored. The commenter's permission is asked
 * of GitHub's API with the `github-token` input. Replies, reactions and the result go to the
 * thread; the `result` output is the command's audit record.
 */
export async function commentTask(ctx: TaskContext): Promise<TaskOutcome> {
  const { payload } = ctx.event;
  const { comment, issue } = payload;
  if (!comment || !issue) return { outcome: "failure", message: "the event has no comment" };
  if (payload.action !== "created") {
    ctx.report.info(`comment ${payload.action ?? "changed"}: only new comments run commands`);
    return { outcome: "ignored" };
  }
  const login = comment.user?.login ?? "";
  if (!ctx.inputs.githubToken)
    return { outcome: "failure", message: "slash commands need the github-token input" };
  const api = githubApi(ctx.inputs.githubToken, ctx.event.apiUrl, ctx.event.repository);
  const reader = fsSourceReader(ctx.root);
  const configPath = ctx.inputs.config;
  const posted: string[] = [];
  const audits: AuditEntry[] = [];
  const post = async (markdown: string) => {
    posted.push(markdown);
    await api.comment(issue.number, markdown);
  };

  const ports: CommandPorts = {
    async loadConfig() {
      const bytes = await reader.read(configPath);
      if (bytes === undefined) return { kind: "missing" };
      const parsed = parseConfig(configPath, bytes);
      if (hasErrors(parsed.diagnostics) || !parsed.config)
        return {
          kind: "invalid",
          message: `\`${configPath}\` on the default branch is invalid; fix it there first.`,
        };
      return { kind: "ok", config: parsed.config.value };
    },
    permission: () => api.permission(login),
    memberOf: (teams) => api.memberOf(login, teams),
    // The checkout is the default branch whatever thread the comment is in, but `/deploy` in a
    // fork's pull request is refused as in the App: a fork's author must not look like a deployer.
    async refusal(command) {
      // Without a key nothing can reach a host: say so now, before the 👀 that promises a run.
      if (reachesHosts(command, { plansPullRequest: false })) {
        const lacking = missingKey(ctx, "running commands on the hosts");
        if (lacking) return `${lacking}; this workflow passes none, so nothing ran.`;
      }
      if (command.kind !== "deploy" || !issue.pull_request) return undefined;
      return (await api.fromFork(issue.number)) ? FORK_DEPLOY : undefined;
    },
    reply: post,
    commentLimit: api.commentLimit,
    react: (reaction) => api.react(comment.id, reaction),
    async openStatus(markdown) {
      const status = await api.progressComment(issue.number, markdown);
      return {
        update: (md) => status.update(md),
        finish: async (md) => {
          posted.push(md);
          await status.finish(md);
        },
      };
    },
    async loadSources() {
      const v = await validateSources(reader, { configPath });
      return {
        commit: ctx.event.sha,
        ...(v.config ? { config: v.config.value } : {}),
        definitions: v.definitions.map((d) => ({ file: d.file, definition: d.value })),
        errors: v.diagnostics.filter((d) => d.severity === "error").length,
      };
    },
    executor(config) {
      const lacking = missingKey(ctx, "running commands on the hosts");
      if (lacking) throw new Error(lacking);
      return sshExecutor(ctx, config);
    },
    audit(entry) {
      audits.push(entry);
      ctx.report.info(`audit: ${JSON.stringify(entry)}`);
    },
    operations: new OperationRegistry(),
  };

  const viaApp = comment.performed_via_github_app;
  const out = await runCommand(
    {
      body: comment.body ?? "",
      actor: { login, isBot: comment.user?.type === "Bot" },
      repo: ctx.event.repository,
      owner: actionOwner(ctx),
      issue: issue.number,
      url: `${ctx.event.serverUrl}/${ctx.event.repository}/issues/${issue.number}#issuecomment-${comment.id}`,
      ...(viaApp ? { viaApp: viaApp.slug ?? viaApp.name ?? String(viaApp.id) } : {}),
    },
    ports,
  );
  if (out.kind === "started") await out.done;
  for (const markdown of posted) ctx.report.summary(markdown);
  const audit = audits.at(-1);
  const outcome = commentOutcome(out.kind, audit);
  return {
    outcome,
    ...(audit ? { audit } : {}),
    ...(outcome === "failure" ? { message: audit?.reason ?? audit?.summary ?? "the command failed" } : {}),
  };
}

function commentOutcome(kind: string, audit: AuditEntry | undefined): ActionOutcomeKind {
  if (kind === "ignored") return "ignored";
  if (kind === "denied") return "denied";
  if (!audit || audit.outcome === "answered" || audit.outcome === "usage") return "replied";
  if (audit.outcome === "ran") return audit.result === "succeeded" ? "success" : "failure";
  return "failure";
}
