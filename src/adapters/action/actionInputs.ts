/** The values `command` takes; `auto` picks one from the triggering event. */
export const ACTION_COMMANDS = ["auto", "validate", "plan", "deploy", "upgrade-hosts", "status"] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** The Action's inputs, as action.yml declares them. */
export interface ActionInputs {
  config: string;
  command: ActionCommand;
  /** Words after the command, split on whitespace (`libc6 openssl --platform debian-12`). */
  args: string[];
  /** Name of the environment variable holding the SSH key, so the key text is passed around by name only. */
  sshKeyVariable?: string;
  dryRun: boolean;
  githubToken: string;
  workingDirectory: string;
}

/** The inputs, or a sentence saying which one is wrong. */
export type InputsResult = { kind: "ok"; inputs: ActionInputs } | { kind: "usage"; message: string };

/**
 * The environment variable a runner sets for an input: `INPUT_` and the name upper-cased with
 * spaces turned into underscores. Hyphens stay (`INPUT_SSH-KEY`), which a shell cannot name but
 * a process environment can hold.
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/** An input's value, trimmed, as `@actions/core`'s getInput reads it; "" when not set. */
export function readInput(env: NodeJS.ProcessEnv, name: string): string {
  return (env[inputVariable(name)] ?? "").trim();
}

/**
 * Reads and checks the inputs. Booleans follow the YAML 1.2 core schema as `getBooleanInput`
 * does (`true`/`True`/`TRUE`, `false`/...), an empty value meaning the default.
 */
export function readInputs(env: NodeJS.ProcessEnv): InputsResult {
  const command = readInput(env, "command") || "auto";
  if (!(ACTION_COMMANDS as readonly string[]).includes(command))
    return {
      kind: "usage",
      message: `input command: expected one of ${ACTION_COMMANDS.join(", ")}, got "${command}"`,
    };
  const dry = readInput(env, "dry-run");
  if (!["", "true", "True", "TRUE", "false", "False", "FALSE"].includes(dry))
    return { kind: "usage", message: `input dry-run: expected true or false, got "${dry}"` };
  const keyVariable = inputVariable("ssh-key");
  return {
    kind: "ok",
    inputs: {
      config: readInput(env, "config") || ".github/hostroot.yml",
      command: command as ActionCommand,
      args: readInput(env, "args")
        .split(/\s+/)
        .filter((w) => w !== ""),
      ...(readInput(env, "ssh-key") === "" ? {} : { sshKeyVariable: keyVariable }),
      dryRun: dry.toLowerCase() === "true",
      githubToken: readInput(env, "github-token"),
      workingDirectory: readInput(env, "working-directory") || ".",
    },
  };
}
