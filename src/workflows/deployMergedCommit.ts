import type { Config } from "../core/configSchema.js";
import { code } from "../core/markdown/escapeMarkdown.js";
import { plural } from "../core/markdown/plural.js";
import { renderOperationResult } from "../core/markdown/renderOperationResult.js";
import { notApplied, type OperationResult } from "../core/operationResult.js";
import type { AuditEntry } from "../ports/auditEntry.js";
import type { DeploymentRecord } from "../ports/codeHost.js";
import type { RemoteExecutor } from "../ports/remoteExecutor.js";
import { auditResult } from "./commandAudit.js";
import { deploy } from "./deploy.js";
import type { DeployOnMergePorts, MergeDeployResult, MergePush } from "./deployOnMerge.js";

/** "2 steps not applied on web-1, web-2": what a failed deploy's status says, within GitHub's 140 characters. */
function failureLine(result: OperationResult): string {
  const missed = notApplied(result);
  const hosts = [...new Set(missed.map((m) => m.host))];
  const what = `${result.outcome}: ${plural(missed.length, "step")} not applied on ${hosts.join(", ")}`;
  return what.length > 140 ? `${what.slice(0, 139)}…` : what;
}

/**
 * The background part of a deploy on merge, once the pusher is authorized: a deployment record
 * in progress, the definitions at the pushed commit (any error: nothing deployed, and the report
 * says so), the deploy under the host locks, the report, the record's final status, the audit
 * line. Cancellable through the registry. Never rejects: failures end up in the record, the result
 * and the audit.
 */
export async function deployMergedCommit(
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
