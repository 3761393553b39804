import type { Config, PoolHost } from "./configSchema.js";
import { type ContainerPaths, containerPaths } from "./containerPaths.js";
import { containerSteps } from "./containerSteps.js";
import { definitionHash, fieldHashes, policyMasks } from "./definitionHash.js";
import type { Definition } from "./definitionSchema.js";
import {
  containerDirCommand,
  type DeltaOp,
  deltaCommand,
  hostRootCommand,
  keepConfigCommand,
  mountSourcesCommand,
  removeDirCommand,
  stopCommand,
  writeFileCommand,
} from "./hostCommands.js";
import { defaultMasks } from "./masks.js";
import { assertOwner, type Owner } from "./owner.js";
import type { PlanStep } from "./plan.js";
import { renderLxcConfig } from "./renderLxcConfig.js";
import { installHookCommand, ROOTFS_HOOK, rootfsHookPath } from "./rootfsHook.js";
import { renderStateFile } from "./stateFile.js";
import { isUnprivileged, UNPRIVILEGED_IDS } from "./unprivileged.js";

/** One unit of host-side work: an argv run by the host's sh, with optional stdin bytes. */
export interface HostStep {
  /** `<container>.<what>`: unique within a host script, echoed in its progress markers. */
  id: string;
  description: string;
  argv: string[];
  stdin?: string;
  /** True when the program runs inside the container (its failure is usually the definition's). */
  inContainer?: boolean;
}

/** What hostSteps needs besides the plan step. */
export interface HostStepContext {
  host: PoolHost;
  config: Config;
  /** The definition the step deploys; required for create and reconfigure. */
  definition?: Definition;
  /** Commit the definitions come from, written to the state file ("" for a work tree). */
  commit: string;
  /** ISO 8601 time of the deploy (the core has no clock). */
  deployedAt: string;
  /** The repository deploying, recorded in the state file; required for create and reconfigure. */
  owner?: Owner;
  /** See {@link renderLxcConfig}; default true. */
  lightweightInit?: boolean;
}

/** Host units that wait forever in a container booting the host's init (lightweightInit: false). */
const WAITING_UNITS = ["lxc.service", "lxc-net.service", "lxc-monitord.service", "lxcfs.service"];

type Ctx = HostStepContext & { name: string; paths: ContainerPaths; lxcPath: string };

const step = (ctx: Ctx, what: string, description: string, rest: Omit<HostStep, "id" | "description">) => ({
  id: `${ctx.name}.${what}`,
  description,
  ...rest,
});

/** Masks, hostname, config: what a create and a reconfigure both (re)write before starting. */
function prepare(ctx: Ctx, def: Definition, replica: number): HostStep[] {
  const { paths, config } = ctx;
  const masks = defaultMasks(config, def, ctx.host);
  const lightweight = ctx.lightweightInit ?? true;
  const unprivileged = isUnprivileged(def, config.policy);
  const lxcConfig = renderLxcConfig(def, ctx.host, {
    replica,
    lightweightInit: lightweight,
    unprivileged,
    ...(config.policy.apparmorProfile === undefined
      ? {}
      : { apparmorProfile: config.policy.apparmorProfile }),
  });
  const units = lightweight ? [] : WAITING_UNITS.map((u) => `/etc/systemd/system/${u}`);
  const ops: DeltaOp[] = [
    ...masks.files.map((path) => ({ op: "whiteout" as const, path })),
    ...masks.dirs.map((path) => ({ op: "opaque" as const, path })),
    // Without it the container reports the host's hostname.
    { op: "file", path: "/etc/hostname", content: `${ctx.name}\n` },
    // The host's own LXC units would wait forever inside a container booting the host's init.
    ...units.map((path) => ({ op: "null-link" as const, path })),
  ];
  const what = [`hide ${masks.files.length} files and ${masks.dirs.length} dirs`, "write /etc/hostname"];
  if (units.length > 0) what.push(`mask ${units.length} units`);
  const { hostId, count } = UNPRIVILEGED_IDS;
  const ids = unprivileged ? { offset: hostId, other: 0, count } : { offset: 0, other: hostId, count };
  if (unprivileged) what.push(`owned by host uid ${hostId} (container root)`);
  // The hook LXC runs to mount an unprivileged container's root; written by every deploy of one
  // (same bytes each time), so a host prepared before it existed still gets it.
  const hookPath = rootfsHookPath(paths.lxcPath);
  const hook = unprivileged
    ? [
        step(ctx, "rootfs-hook", `write ${hookPath}`, {
          argv: installHookCommand(hookPath),
          stdin: ROOTFS_HOOK,
        }),
      ]
    : [];
  return [
    ...hook,
    step(ctx, "delta", `${what.join(", ")} in the delta`, { argv: deltaCommand(paths.delta, ops, ids) }),
    step(ctx, "config", `write ${paths.config}`, { argv: writeFileCommand(paths.config), stdin: lxcConfig }),
  ];
}

/**
 * Bind the host root if needed (read-only), check the mount sources resolve to themselves, then
 * start the container in the background.
 */
function start(ctx: Ctx): HostStep[] {
  return [
    step(ctx, "host-root", `bind the host's / read-only at ${ctx.paths.hostRootfs}`, {
      argv: hostRootCommand(ctx.paths.hostRootfs),
    }),
    step(ctx, "mounts", "check the config's mount sources exist and have no symlink", {
      argv: mountSourcesCommand(ctx.paths.config),
    }),
    step(ctx, "start", "start the container", {
      argv: ["lxc-start", "-n", ctx.name, "-P", ctx.lxcPath, "-d"],
    }),
  ];
}

/** The state file, written last: it claims a definition is deployed only once it is up and healthy. */
function state(ctx: Ctx, def: Definition, hash: string, replica: number): HostStep {
  if (!ctx.owner) throw new Error(`hostroot: deploying ${ctx.name} needs the owning repository`);
  const text = renderStateFile({
    name: ctx.name,
    definitionHash: hash,
    commit: ctx.commit,
    deployedAt: ctx.deployedAt,
    replica,
    fieldHashes: fieldHashes(def, policyMasks(ctx.config)),
    owner: assertOwner(ctx.owner),
  });
  return step(ctx, "state", `record definition ${hash.slice(0, 12)}`, {
    argv: writeFileCommand(ctx.paths.state),
    stdin: text,
  });
}

/** The definition a create/reconfigure deploys, checked against the step so the state file cannot lie. */
function deployed(s: PlanStep, ctx: Ctx): { def: Definition; hash: string; replica: number } {
  const def = ctx.definition;
  if (!def || def.name !== s.container)
    throw new Error(`hostroot: ${s.kind} of ${s.container} needs its definition`);
  if (s.replica === undefined) throw new Error(`hostroot: ${s.kind} of ${s.container} has no replica index`);
  const hash = definitionHash(def, policyMasks(ctx.config));
  if (s.definitionHash !== hash)
    throw new Error(`hostroot: ${s.container}: plan and definition hashes differ`);
  return { def, hash, replica: s.replica };
}

/**
 * The ordered host-side work of one plan step. create: a fresh container dir and delta (plain
 * mkdir, which fails if either exists: an LXC container hostroot did not create, or a leftover,
 * is never adopted), masks, hostname, config, start, setup, packages, service, health, state.
 * reconfigure: keep the current config and state aside (a failed reconfigure puts them back),
 * full stop (lxc-stop -r would not reload the config), rewrite masks/hostname/config, start,
 * packages, service, health, state. restart: stop, start, service, health. destroy: kill, then
 * remove only `<lxcPath>/<name>`. Every start is preceded by the read-only host root bind and
 * the check that mount sources are no symlinks.
 */
export function hostSteps(s: PlanStep, context: HostStepContext): HostStep[] {
  if (s.host !== context.host.name)
    throw new Error(`hostroot: step for ${s.host} given host ${context.host.name}`);
  const paths = containerPaths(context.host.lxcPath, s.container);
  const { lxcPath } = paths;
  const ctx: Ctx = { ...context, name: s.container, paths, lxcPath };
  const stop = (kill: boolean) =>
    step(ctx, "stop", kill ? "kill the container" : "stop the container", {
      argv: stopCommand(ctx.name, lxcPath, kill),
    });
  switch (s.kind) {
    case "noop":
      return [];
    case "create": {
      const { def, hash, replica } = deployed(s, ctx);
      return [
        step(ctx, "dir", `create ${paths.dir}`, { argv: containerDirCommand(paths.dir) }),
        step(ctx, "mkdir", `create ${paths.delta}`, { argv: ["mkdir", "-m", "0755", "--", paths.delta] }),
        ...prepare(ctx, def, replica),
        ...start(ctx),
        ...containerSteps(ctx.name, lxcPath, def, { setup: true, packages: true }),
        state(ctx, def, hash, replica),
      ];
    }
    case "reconfigure": {
      const { def, hash, replica } = deployed(s, ctx);
      return [
        step(ctx, "keep", `keep ${paths.config} and the state file aside`, {
          argv: keepConfigCommand(paths.config, paths.state),
        }),
        stop(false),
        ...prepare(ctx, def, replica),
        ...start(ctx),
        ...containerSteps(ctx.name, lxcPath, def, { setup: false, packages: true }),
        state(ctx, def, hash, replica),
      ];
    }
    case "restart": {
      // Without a definition (e.g. a /restart of a container whose file is gone) only stop/start.
      const def = ctx.definition;
      if (def && def.name !== s.container)
        throw new Error(`hostroot: restart of ${s.container} given ${def.name}`);
      const inside = def ? containerSteps(ctx.name, lxcPath, def, { setup: false, packages: false }) : [];
      return [stop(false), ...start(ctx), ...inside];
    }
    case "destroy":
      return [
        stop(true),
        step(ctx, "remove", `remove ${paths.dir} (the container's delta and config)`, {
          argv: removeDirCommand(paths.dir, paths.hostDir),
        }),
      ];
  }
}
