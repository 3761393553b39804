import { type Config, poolHosts } from "../core/configSchema.js";
import type { Definition } from "../core/definitionSchema.js";
import { renderOperationResult } from "../core/markdown/renderOperationResult.js";
import { renderPlan } from "../core/markdown/renderPlan.js";
import type { HostResult, OperationResult } from "../core/operationResult.js";
import type { Owner } from "../core/owner.js";
import { selectHosts } from "../core/rolloutBatches.js";
import type { SlashCommand } from "../core/slashCommands.js";
import type { RemoteExecutor } from "../ports/remoteExecutor.js";
import { affected } from "./affected.js";
import { deploy } from "./deploy.js";
import { observePool } from "./observePool.js";
import { restart } from "./restart.js";
import { upgradeHosts } from "./upgradeHosts.js";

/** A slash command that runs an operation over the pool. */
export type PoolCommand = Extract<
  SlashCommand,
  { kind: "upgrade-hosts" | "restart" | "status" | "affected" | "plan" | "deploy" }
>;

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

/** A request the pool cannot serve (unknown host or platform), or the operation's result. */
export type CommandOperationOutcome =
  | { kind: "usage"; message: string }
  | { kind: "done"; result: OperationResult; markdown: string };

/**
 * How many hosts `command` will work on, or why it cannot run on this pool, checked before any
 * reaction or connection so a typo in a host name is a usage reply, not a failed operation.
 */
export function commandHosts(
  command: PoolCommand,
  config: Config,
): { kind: "ok"; hosts: number } | { kind: "usage"; message: string } {
  const filter =
    command.kind === "upgrade-hosts"
      ? {
          ...(command.platform ? { platform: command.platform } : {}),
          ...(command.hosts ? { hosts: command.hosts } : {}),
        }
      : command.kind === "restart" && command.host !== undefined
        ? { hosts: [command.host] }
        : {};
  const selected = selectHosts(config, filter);
  if (selected.kind === "usage") return selected;
  return {
    kind: "ok",
    hosts:
      command.kind === "upgrade-hosts" || command.kind === "restart"
        ? selected.hosts.length
        : poolHosts(config).length,
  };
}

/** The acting repository, which deploy, plan and restart cannot do without. */
function ownerOf(ctx: OperationContext, what: string): Owner {
  if (!ctx.owner) throw new Error(`${what} needs the repository whose containers it may change`);
  return ctx.owner;
}

/** Runs one pool command through its workflow and renders the result as markdown. */
export async function runOperation(
  command: PoolCommand,
  ctx: OperationContext,
): Promise<CommandOperationOutcome> {
  const deps = {
    executor: ctx.executor,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.onHostDone ? { onHostDone: ctx.onHostDone } : {}),
    ...(ctx.now ? { now: ctx.now } : {}),
  };
  const done = (result: OperationResult, markdown = renderOperationResult(result)) =>
    ({ kind: "done", result, markdown }) as const;
  switch (command.kind) {
    case "upgrade-hosts": {
      const out = await upgradeHosts(
        {
          config: ctx.config,
          // Pinned versions travel as PKG=VERSION; the workflow checks them again.
          packages: command.packages.map((p) =>
            p.version === undefined ? p.name : `${p.name}=${p.version}`,
          ),
          ...(command.allowDowngrade ? { allowDowngrade: true } : {}),
          ...(command.platform === undefined ? {} : { platform: command.platform }),
          ...(command.hosts === undefined ? {} : { hosts: command.hosts }),
          dryRun: command.dryRun,
          definitions: ctx.definitions.map((d) => d.definition),
          holder: ctx.holder,
        },
        deps,
      );
      return out.kind === "usage" ? out : done(out.result);
    }
    case "affected": {
      const out = await affected(
        { config: ctx.config, packages: [command.package], holder: ctx.holder },
        deps,
      );
      return out.kind === "usage" ? out : done(out.result);
    }
    case "status": {
      const seen = await observePool(ctx.executor, ctx.config, {
        ...deps,
        ...(command.name === undefined ? {} : { container: command.name }),
      });
      return done(seen.result);
    }
    case "restart":
      return done(
        await restart({
          ...deps,
          config: ctx.config,
          definitions: ctx.definitions,
          target: command.target.kind === "all" ? { all: true } : { name: command.target.name },
          ...(command.host === undefined ? {} : { host: command.host }),
          holder: ctx.holder,
          owner: ownerOf(ctx, "restart"),
        }),
      );
    case "deploy":
    case "plan": {
      const dryRun = command.kind === "plan";
      const out = await deploy({
        ...deps,
        config: ctx.config,
        definitions: ctx.definitions,
        commit: ctx.commit,
        holder: ctx.holder,
        owner: ownerOf(ctx, command.kind),
        dryRun,
      });
      // A plan reads better as the plan itself than as a dry run's list of skipped steps.
      const markdown = dryRun
        ? `${renderPlan(out.plan, { commit: ctx.commit, title: "hostroot plan of the default branch" })}\n_Planned against what the hosts report now; nothing was changed._\n`
        : renderOperationResult(out.result);
      return done(out.result, markdown);
    }
  }
}
