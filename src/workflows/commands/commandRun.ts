import { type Config, poolHosts } from "../../core/configSchema.js";
import type { Definition } from "../../core/definitionSchema.js";
import type { HostResult, OperationResult } from "../../core/operationResult.js";
import type { Owner } from "../../core/owner.js";
import { selectHosts } from "../../core/rolloutBatches.js";
import type { RemoteExecutor } from "../../ports/remoteExecutor.js";

/** Everything one operation runs with: the default branch's sources, the pool, the hooks. */
export interface OperationContext {
  config: Config;
  definitions: ReadonlyArray<{ file: string; definition: Definition }>;
  /** Commit the definitions were read at ("" when read at a branch name). */
  commit: string;
  executor: RemoteExecutor;
  /** Who and what, shown to whoever waits for a host lock this operation holds. */
  holder: string;
  /**
   * The repository acting: deploy and restart change only its own containers (upgrade-hosts
   * restarts every container of a host by nature, whoever owns it). Required by those two;
   * status, affected and upgrade-hosts act on no repository's behalf.
   */
  owner?: Owner;
  signal?: AbortSignal;
  onHostDone?: (host: HostResult) => void;
  now?: () => Date;
}

/** A request the pool cannot serve (unknown host, pinned version), or the operation's result. */
export type CommandOperationOutcome =
  | { kind: "usage"; message: string }
  | { kind: "done"; result: OperationResult; markdown: string };

/** How many hosts a command will work on, or why it cannot run on this pool. */
export type HostCount = { kind: "ok"; hosts: number } | { kind: "usage"; message: string };

/**
 * The run of one slash command that works on the pool, beside its pure module in
 * src/core/commands: how many hosts it will work on (checked before any reaction or connection,
 * so a typo in a host name is a usage reply, not a failed operation), and the run itself.
 */
export interface CommandRun<C> {
  hosts(command: C, config: Config): HostCount;
  run(command: C, ctx: OperationContext): Promise<CommandOperationOutcome>;
}

/** The hosts `filter` selects (`selectedOnly`), or the whole pool once the filter is known to be valid. */
export function countHosts(
  config: Config,
  filter: Parameters<typeof selectHosts>[1],
  selectedOnly: boolean,
): HostCount {
  const selected = selectHosts(config, filter);
  if (selected.kind === "usage") return selected;
  return { kind: "ok", hosts: selectedOnly ? selected.hosts.length : poolHosts(config).length };
}

/** The acting repository, which deploy, plan and restart cannot do without. */
export function ownerOf(ctx: OperationContext, what: string): Owner {
  if (!ctx.owner) throw new Error(`${what} needs the repository whose containers it may change`);
  return ctx.owner;
}

/** The options every operation workflow takes from the context. */
export function operationDeps(ctx: OperationContext) {
  return {
    executor: ctx.executor,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onHostDone ? { onHostDone: ctx.onHostDone } : {}),
    ...(ctx.now ? { now: ctx.now } : {}),
  };
}
