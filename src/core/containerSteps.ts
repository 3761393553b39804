import type { Definition } from "./definitionSchema.js";
import { lxcAttach, retryCommand, serviceCommand } from "./hostCommands.js";
import type { HostStep } from "./hostSteps.js";

/** Which parts of the in-container work to include; the service and health check always are. */
export interface ContainerStepParts {
  /** The definition's setup commands: once, at create. */
  setup: boolean;
  /** pip/npm/gem installs: at create and reconfigure (the delta keeps earlier installs). */
  packages: boolean;
}

/** A package spec starting with "-" would be read as an option by pip, npm or gem. */
function specs(kind: string, list: readonly string[]): string[] {
  for (const s of list) {
    if (s.startsWith("-")) throw new Error(`hostroot: ${kind} spec looks like an option: ${s}`);
  }
  return [...list];
}

/**
 * The work done inside a running container, every command through `lxc-attach --clear-env`:
 * setup, packages (into the delta only — never apt, which would shadow the host's packages and
 * miss their fixes), the service started detached, and the health check with its retries. Each
 * step is marked `inContainer`, so a report can blame the definition rather than the host.
 */
export function containerSteps(
  name: string,
  lxcPath: string,
  def: Definition,
  parts: ContainerStepParts,
): HostStep[] {
  const out: HostStep[] = [];
  const add = (what: string, description: string, argv: string[]) => {
    out.push({ id: `${name}.${what}`, description, argv, inContainer: true });
  };
  const attach = (argv: readonly string[], env?: Record<string, string>) =>
    lxcAttach(name, lxcPath, argv, env);

  if (parts.setup) {
    for (const [i, argv] of def.setup.entries())
      add(`setup.${i + 1}`, `setup: ${argv.join(" ")}`, attach(argv));
  }
  if (parts.packages) {
    const { pip, npm, gem } = def.packages;
    if (pip.length > 0) {
      // Debian 12+ marks the system Python externally managed; the install lands in this
      // container's delta (/usr/local), which is the point. The variable, unlike the flag, is
      // ignored by pip versions that predate it.
      const pipArgv = [
        "python3",
        "-m",
        "pip",
        "install",
        "--no-cache-dir",
        "--no-input",
        "--disable-pip-version-check",
      ];
      add(
        "pip",
        `pip install ${pip.join(" ")}`,
        attach([...pipArgv, ...specs("pip", pip)], { PIP_BREAK_SYSTEM_PACKAGES: "1" }),
      );
    }
    if (npm.length > 0) {
      const npmArgv = ["npm", "install", "--global", "--no-fund", "--no-audit", "--no-update-notifier"];
      add("npm", `npm install -g ${npm.join(" ")}`, attach([...npmArgv, ...specs("npm", npm)]));
    }
    if (gem.length > 0) {
      add(
        "gem",
        `gem install ${gem.join(" ")}`,
        attach(["gem", "install", "--no-document", ...specs("gem", gem)]),
      );
    }
  }
  if (def.service) {
    const { command, user, workdir, env } = def.service;
    const as = user ? ` as ${user}` : "";
    add(
      "service",
      `start ${command.join(" ")}${as}`,
      attach(serviceCommand(workdir ?? "/", user ?? "", command), env),
    );
  }
  if (def.health) {
    const { command, timeoutSeconds, retries, intervalSeconds } = def.health;
    // timeout runs inside the container, so a hung check is killed there, not just lxc-attach.
    const check = attach(["timeout", "-k", "2", String(timeoutSeconds), ...command]);
    add(
      "health",
      `health check ${command.join(" ")} (${retries} retries)`,
      retryCommand(retries, intervalSeconds, check),
    );
  }
  return out;
}
