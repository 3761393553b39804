import { type Config, poolHosts } from "../core/configSchema.js";
import { containerPaths } from "../core/containerPaths.js";
import { writeFileCommand } from "../core/hostCommands.js";
import type { HostResult, OperationResult } from "../core/operationResult.js";
import { assertOwner, describeOwner, type Owner } from "../core/owner.js";
import { renderStateFile } from "../core/stateFile.js";
import { stateGuardStep } from "../core/statusScript.js";
import { HostUnreachableError, type RemoteExecutor } from "../ports/remoteExecutor.js";
import { observePool } from "./observePool.js";
import { runHostSteps } from "./runHostSteps.js";

/** What {@link adoptContainer} needs. */
export interface AdoptInput {
  config: Config;
  executor: RemoteExecutor;
  /** The pool host and the container on it. */
  host: string;
  name: string;
  /** The repository claiming it. */
  owner: Owner;
  holder: string;
  now?: () => Date;
}

/**
 * Writes an owner into the state file of a container deployed before hostroot recorded owners,
 * and into nothing else: a container that already has an owner (even the same one) or that
 * hostroot did not create is refused. The write is guarded by the state digest read just before,
 * under the host lock, so it never overwrites a state file that changed meanwhile.
 */
export async function adoptContainer(input: AdoptInput): Promise<OperationResult> {
  const now = input.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const owner = assertOwner(input.owner);
  const host = poolHosts(input.config).find((h) => h.name === input.host);
  const finish = (
    outcome: "succeeded" | "failed",
    summary: string,
    hosts: HostResult[],
  ): OperationResult => ({
    operation: "adopt",
    dryRun: false,
    startedAt,
    finishedAt: now().toISOString(),
    outcome,
    summary,
    hosts,
  });
  if (!host) return finish("failed", `adopt: no host ${input.host} in the pool`, []);
  const base = { host: host.name, platform: host.platform, steps: [] };
  const seen = await observePool(input.executor, input.config, { hosts: [host.name] });
  const status = seen.statuses.get(host.name);
  if (!status) {
    const error = seen.result.hosts[0]?.error ?? "the host did not answer";
    return finish("failed", `adopt ${input.name}: ${host.name} could not be read`, [
      { ...base, outcome: "unreachable", error },
    ]);
  }
  const refuse = (error: string) =>
    finish("failed", `adopt ${input.name}: refused`, [{ ...base, outcome: "failed", error }]);
  const state = status.observation.containers.find((c) => c.name === input.name);
  if (!state)
    return refuse(
      status.observation.unmanaged?.includes(input.name)
        ? `${input.name} on ${host.name} was not created by hostroot (no state file): hostroot never adopts it`
        : `no hostroot container ${input.name} on ${host.name}`,
    );
  if (state.owner)
    return refuse(`${input.name} on ${host.name} already belongs to ${describeOwner(state.owner)}`);
  const paths = containerPaths(host.lxcPath, input.name);
  const { running: _running, ...stored } = state;
  const text = renderStateFile({ ...stored, replica: stored.replica ?? 0, owner });
  try {
    const { rollout } = input.config.policy;
    const run = await runHostSteps(
      input.executor,
      host,
      [
        stateGuardStep(host.lxcPath, status.digest),
        {
          id: `${input.name}.adopt`,
          description: `record ${describeOwner(owner)} as the owner of ${input.name}`,
          argv: writeFileCommand(paths.state),
          stdin: text,
        },
      ],
      {
        holder: input.holder,
        lockTimeoutSeconds: rollout.lockTimeoutSeconds,
        stepTimeoutSeconds: rollout.commandTimeoutSeconds,
      },
    );
    const outcome = run.completed ? "succeeded" : "failed";
    return finish(
      outcome,
      run.completed
        ? `adopt ${input.name} on ${host.name}: it now belongs to ${describeOwner(owner)}`
        : `adopt ${input.name} on ${host.name}: failed`,
      [{ ...base, outcome, steps: run.steps, ...(run.error ? { error: run.error } : {}) }],
    );
  } catch (error) {
    if (!(error instanceof HostUnreachableError)) throw error;
    return finish("failed", `adopt ${input.name}: ${host.name} is unreachable`, [
      { ...base, outcome: "unreachable", error: error.message },
    ]);
  }
}
