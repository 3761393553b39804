import type { Config, PermissionLevel } from "../core/configSchema.js";
import { code } from "../core/markdown/escapeMarkdown.js";
import { plural } from "../core/markdown/plural.js";
import { renderOperationResult } from "../core/markdown/renderOperationResult.js";
import { type HostResult, notApplied, type OperationResult } from "../core/operationResult.js";
import type { Owner } from "../core/owner.js";
import type { Plan } from "../core/plan.js";
import { type Policy, pushPolicy } from "../core/stricterPolicy.js";
import type { AuditEntry } from "../ports/auditEntry.js";
import type { CodeHostAccess, DeploymentRecord, DeploymentRecords } from "../ports/codeHost.js";
import type { ConfigSource, DefaultBranchSources } from "../ports/commandPorts.js";
import type { RemoteExecutor } from "../ports/remoteExecutor.js";
import { authorizeActor } from "./authorizeActor.js";
import { auditResult } from "./commandAudit.js";
import { deploy } from "./deploy.js";
import type { OperationRegistry } from "./operationRegistry.js";

/** A push, as the code host delivered it. */
export interface MergePush {
  /** `refs/heads/<branch>` (or a tag). */
  ref: string;
  defaultBranch: string;
  deleted: boolean;
  /** The pushed head, deployed; and the head before the push, whose policy judges it. */
  after: string;
  before: string;
  /** Who pushed (merged). */
  pusher: { login: string; isBot: boolean };
  /** `owner/name`, and by stable id: the owner recorded on the containers deployed. */
  repo: string;
  owner: Owner;
  /** The commit's web address, for the audit line. */
  url: string;
  /** Who holds the host locks while it deploys, if the entry point says it better than the default. */
  holder?: string;
}

/** What deploy on merge needs from the code host and the process. */
export interface DeployOnMergePorts {
  /** The config at `commit` as the deploy reads it (the App narrows it into its server pool). */
  configAt(commit: string): Promise<ConfigSource>;
  /**
   * The policy at `commit` (the head before the push); undefined when the config is missing or
   * invalid there. Throws when the commit cannot be read, so a push is never judged by its own
   * config alone.
   */
  policyAt(commit: string): Promise<Policy | undefined>;
  /** The operator's policy over this repository's pool (the App's server config), if any. */
  poolPolicy?(config: Config): Policy | undefined;
  /** Why this repository never deploys (the App binds it no pool), if so. */
  refusal?: string;
  /** The pusher's permission and teams. */
  access: CodeHostAccess;
  /** The definitions at `commit`, validated. */
  loadSources(commit: string): Promise<DefaultBranchSources>;
  /** An executor for the pool; closed when the deploy ends. */
  executor(config: Config): RemoteExecutor;
  /**
   * Tells the people the merge concerns: the App comments on the merged pull request, the
   * Action writes its job summary. Resolves to the pull request and the report's address, if any.
   */
  report(markdown: string): Promise<{ issue?: number; url?: string }>;
  /** Where the deploy is recorded (GitHub Deployments), when the entry point records one. */
  deployments?: DeploymentRecords;
  audit(entry: AuditEntry): void;
  operations: OperationRegistry;
  /** Plan and report the steps without writing on a host. */
  dryRun?: boolean;
  onHostDone?: (host: HostResult) => void;
  now?: () => Date;
}

/** How the deploy that was started ended. */
export type MergeDeployResult =
  | { kind: "refused"; reason: string }
  | { kind: "ran"; plan: Plan; result: OperationResult }
  | { kind: "error"; message: string };

/** How a push was handled; a `started` deploy goes on in the background (see `done`). */
export type DeployOnMergeOutcome =
  | { kind: "ignored" }
  | { kind: "refused" | "denied"; reason: string }
  | { kind: "started"; done: Promise<MergeDeployResult> };

const NO_COMMIT = /^0*$/;

/** Whether a push deploys on merge: to the default branch, not deleting it, with a new head. */
export function deploysOnMerge(
  push: Pick<MergePush, "ref" | "defaultBranch" | "deleted" | "after">,
): boolean {
  return push.ref === `refs/heads/${push.defaultBranch}` && !push.deleted && !NO_COMMIT.test(push.after);
}

/**
 * Deploy on merge, the same for the App and the Action: a push to the default branch deploys its
 * new head. Whoever pushed (merged) must pass the `deploy` rule of the policy before the push
 * AND of the policy it brings AND of the operator's pool policy (see pushPolicy), so a merge
 * cannot loosen the rule that lets it through; a missing or invalid policy before the push counts
 * as the built-in defaults, never as "anything goes"; bots never deploy. A refusal is reported
 * (on the merged pull request) and audited. The deploy runs in the background: a deployment
 * record in progress, the definitions at the pushed commit (any error: nothing deployed), the
 * deploy, the report, the record's final status. Cancellable through the registry.
 */
export async function deployOnMerge(
  push: MergePush,
  ports: DeployOnMergePorts,
): Promise<DeployOnMergeOutcome> {
  if (!deploysOnMerge(push)) return { kind: "ignored" };
  const { after, before } = push;
  const login = push.pusher.login;
  const now = ports.now ?? (() => new Date());
  const at = now().toISOString();
  const audit = (entry: Pick<AuditEntry, "outcome"> & Partial<AuditEntry>) =>
    ports.audit({
      trigger: "deploy-on-merge",
      actor: login,
      command: "deploy-on-merge",
      repo: push.repo,
      url: push.url,
      commit: after,
      at,
      finishedAt: now().toISOString(),
      ...entry,
    });
  const current = await ports.configAt(after);
  if (current.kind === "missing") return { kind: "ignored" };
  const refuse = async (reason: string, kind: "denied" | "refused", permission: PermissionLevel = "none") => {
    const { issue } = await ports.report(
      `**hostroot** did not deploy ${code(after.slice(0, 7))} (pushed by @${login}): ${reason}`,
    );
    audit({ permission, outcome: kind, reason, ...(issue === undefined ? {} : { issue }) });
    return { kind, reason };
  };
  if (ports.refusal !== undefined) return refuse(`${ports.refusal}.`, "refused");
  // A branch's first commit has no "before": the built-in defaults stand in for it, as for a broken one.
  const previous = NO_COMMIT.test(before) ? undefined : await ports.policyAt(before);

  const isBot = push.pusher.isBot || /\[bot\]$/i.test(login);
  if (current.kind === "invalid") return refuse(current.message, "refused");
  const policy = pushPolicy(previous, current.config.policy, ports.poolPolicy?.(current.config));
  const { actor, auth } = await authorizeActor("deploy-on-merge", { login, isBot }, policy, {
    permission: () => ports.access.permission(login),
    memberOf: (teams) => ports.access.memberOf(login, teams),
  });
  const { permission } = actor;
  if (auth.kind === "denied") return refuse(auth.reason, "denied", permission);
  const config: Config = { ...current.config, policy };
  const done = run(push, ports, config, (e) => audit({ permission, ...e }));
  ports.operations.track(done);
  return { kind: "started", done };
}

/** "2 steps not applied on web-1, web-2": what a failed deploy's status says, within GitHub's 140 characters. */
function failureLine(result: OperationResult): string {
  const missed = notApplied(result);
  const hosts = [...new Set(missed.map((m) => m.host))];
  const what = `${result.outcome}: ${plural(missed.length, "step")} not applied on ${hosts.join(", ")}`;
  return what.length > 140 ? `${what.slice(0, 139)}…` : what;
}

/** The background part: record, validate, deploy, report. Never rejects. */
async function run(
  push: MergePush,
  ports: DeployOnMergePorts,
  config: Config,
  audit: (entry: Pick<AuditEntry, "outcome"> & Partial<AuditEntry>) => void,
): Promise<MergeDeployResult> {
  const sha = push.after;
  const short = sha.slice(0, 7);
  const op = ports.operations.start({
    repo: push.repo,
    what: `deploy-on-merge of ${short}`,
    actor: push.pusher.login,
  });
  let record: DeploymentRecord | undefined;
  let executor: RemoteExecutor | undefined;
  try {
    record = await ports.deployments?.create(sha, `hostroot deploy of ${short}`);
    await record?.setStatus("in_progress", `deploying ${short} to the pool`);
    const sources = await ports.loadSources(sha);
    if (sources.errors > 0) {
      const line = `${plural(sources.errors, "error")} in the definitions at ${short}; nothing deployed`;
      const { issue, url } = await ports.report(
        `### ❌ deploy refused\n\nThe definitions at ${code(short)} have ${plural(sources.errors, "error")} (see the pull request's check); nothing was deployed.\n`,
      );
      await record?.setStatus("failure", line, url);
      audit({ outcome: "refused", reason: line, ...(issue === undefined ? {} : { issue }) });
      return { kind: "refused", reason: line };
    }
    executor = ports.executor(config);
    const out = await deploy({
      config,
      definitions: sources.definitions,
      executor,
      commit: sha,
      holder: push.holder ?? `deploy-on-merge of ${short} by @${push.pusher.login} in ${push.repo}`,
      owner: push.owner,
      signal: op.signal,
      ...(ports.dryRun ? { dryRun: true } : {}),
      ...(ports.onHostDone ? { onHostDone: ports.onHostDone } : {}),
      ...(ports.now ? { now: ports.now } : {}),
    });
    const ok = out.result.outcome === "succeeded";
    const { issue, url } = await ports.report(renderOperationResult(out.result));
    await record?.setStatus(
      ok ? "success" : "failure",
      ok ? out.result.summary : failureLine(out.result),
      url,
    );
    audit({ outcome: "ran", ...auditResult(out.result), ...(issue === undefined ? {} : { issue }) });
    return { kind: "ran", plan: out.plan, result: out.result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await record?.setStatus("error", message).catch(() => {});
    audit({ outcome: "error", reason: message });
    return { kind: "error", message };
  } finally {
    op.done();
    await executor?.close().catch(() => {});
  }
}
