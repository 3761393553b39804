import { ArgError, checkLength, fail } from "./commands/argRules.js";
import { type CommandName, commandSpec, type SlashCommand } from "./commands/commandRegistry.js";
import { echo } from "./commands/slashText.js";
import { suggest } from "./suggest.js";

/** The arguments of one command: a value, or what is wrong with them as a markdown sentence. */
export type ParsedArgs = { kind: "ok"; command: SlashCommand } | { kind: "error"; message: string };

/**
 * Checks the words after a command name, first bad token first, and builds the command with its
 * module's rules (src/core/commands). Every value is matched against a strict pattern there, so
 * nothing but package names, versions, DNS labels and platform ids ever leaves the parser: shell
 * metacharacters, `--` and option-like words (`-oDebug`) are refused by name.
 */
export function parseSlashCommandArgs(name: CommandName, words: readonly string[]): ParsedArgs {
  try {
    return { kind: "ok", command: build(name, words) };
  } catch (e) {
    if (e instanceof ArgError) return { kind: "error", message: e.message };
    throw e;
  }
}

function build(name: CommandName, words: readonly string[]): SlashCommand {
  const spec = commandSpec(name);
  const known = spec.flags;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    // A host list is bounded by its count instead: 100 DNS labels are longer than one token.
    if (!word.startsWith("--hosts")) checkLength(word);
    if (word === "--") fail("`--` is not accepted: there are no options to end.");
    if (!word.startsWith("-")) {
      // Checked as soon as it is seen, so the first bad token is the one reported.
      const most = spec.maxPositional;
      if (positional.length >= most) {
        if (spec.tooMany !== undefined) fail(spec.tooMany);
        fail(most === 0 ? `${echo(`/${name}`)} takes no arguments.` : `unexpected ${echo(word)}.`);
      }
      spec.checkPositional?.(word);
      positional.push(word);
      continue;
    }
    const m = /^--([a-z][a-z-]*)(=(.*))?$/s.exec(word);
    if (m === null) fail(`${echo(word)} looks like an option, but ${echo(`/${name}`)} has no such option.`);
    const flag = m[1] as string;
    // Own keys only: `--constructor` must not find Object.prototype.constructor.
    const kind = Object.hasOwn(known, flag) ? known[flag] : undefined;
    if (kind === undefined) {
      const near = suggest(flag, Object.keys(known));
      const hint = near === undefined ? "" : ` Did you mean ${echo(`--${near}`)}?`;
      fail(`${echo(`/${name}`)} has no option ${echo(`--${flag}`)}.${hint}`);
    }
    if (flags.has(flag)) fail(`${echo(`--${flag}`)} is given twice.`);
    if (kind === "switch") {
      if (m[2] !== undefined) fail(`${echo(`--${flag}`)} takes no value.`);
      flags.set(flag, true);
      continue;
    }
    let value = m[3];
    if (value === undefined) {
      const next = words[i + 1];
      if (next !== undefined && !next.startsWith("-")) {
        if (flag !== "hosts") checkLength(next);
        value = next;
        i++;
      }
    }
    if (value === undefined || value === "") fail(`${echo(`--${flag}`)} needs a value.`);
    flags.set(flag, value);
  }
  return spec.parse(positional, flags);
}
