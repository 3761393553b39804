import type { CommandName } from "./configSchema.js";
import {
  DNS_LABEL,
  echo,
  PACKAGE_NAME,
  PACKAGE_VERSION,
  type PackageSpec,
  PLATFORM_ID,
  SLASH_LIMITS,
  type SlashCommand,
} from "./slashCommands.js";
import { suggest } from "./suggest.js";

/** The arguments of one command: a value, or what is wrong with them as a markdown sentence. */
export type ParsedArgs = { kind: "ok"; command: SlashCommand } | { kind: "error"; message: string };

// Which flags each command takes; everything else is refused by name.
const FLAGS: Partial<Record<CommandName, Record<string, "value" | "switch">>> = {
  "upgrade-hosts": { platform: "value", hosts: "value", "dry-run": "switch", "allow-downgrade": "switch" },
  restart: { all: "switch", host: "value" },
};

const MAX_POSITIONAL: Partial<Record<CommandName, number>> = {
  "upgrade-hosts": SLASH_LIMITS.packages,
  restart: 1,
  status: 1,
  affected: 1,
};

// Thrown by fail() and caught in parseSlashCommandArgs, never beyond: it only keeps the many
// early exits readable; callers see a tagged union.
class ArgError {
  constructor(readonly message: string) {}
}

/**
 * Checks the words after a command name, first bad token first, and builds the command. Every
 * value is matched against a strict pattern here, so nothing but package names, versions, DNS
 * labels and platform ids ever leaves the parser: shell metacharacters, `--` and option-like
 * words (`-oDebug`) are refused by name.
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
  const known = FLAGS[name] ?? {};
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    // A host list is bounded by its count instead: 100 DNS labels are longer than one token.
    if (!word.startsWith("--hosts")) checkLength(word);
    if (word === "--") fail("`--` is not accepted: there are no options to end.");
    if (!word.startsWith("-")) {
      positional.push(checkPositional(name, word, positional.length));
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
  return assemble(name, positional, flags);
}

function assemble(name: CommandName, positional: string[], flags: Map<string, string | true>): SlashCommand {
  const value = (flag: string): string | undefined => {
    const v = flags.get(flag);
    return typeof v === "string" ? v : undefined;
  };
  switch (name) {
    case "upgrade-hosts": {
      if (positional.length === 0) fail("name at least one package to upgrade.");
      const packages = positional.map(packageSpec);
      const names = new Set<string>();
      for (const p of packages) {
        if (names.has(p.name)) fail(`package ${echo(p.name)} is named twice.`);
        names.add(p.name);
      }
      const platform = value("platform");
      if (platform !== undefined && !PLATFORM_ID.test(platform)) {
        fail(`${echo(platform)} is not a platform id (like \`debian-12\`).`);
      }
      const hostList = value("hosts");
      const allowDowngrade = flags.has("allow-downgrade");
      if (allowDowngrade && packages.every((p) => p.version === undefined))
        fail("`--allow-downgrade` needs a pinned version (`PKG=VERSION`).");
      return {
        kind: name,
        packages,
        ...(platform === undefined ? {} : { platform }),
        ...(hostList === undefined ? {} : { hosts: hosts(hostList) }),
        dryRun: flags.has("dry-run"),
        ...(allowDowngrade ? { allowDowngrade: true as const } : {}),
      };
    }
    case "restart": {
      const all = flags.has("all");
      if (all === positional.length > 0) fail("name one container, or give `--all`.");
      const host = value("host");
      if (host !== undefined) label(host, "host");
      const target = all
        ? { kind: "all" as const }
        : { kind: "container" as const, name: positional[0] as string };
      return { kind: name, target, ...(host === undefined ? {} : { host }) };
    }
    case "status":
      return positional[0] === undefined ? { kind: name } : { kind: name, name: positional[0] };
    case "affected":
      if (positional[0] === undefined) fail("name the package.");
      return { kind: name, package: positional[0] };
    default:
      return { kind: name };
  }
}

/** Checks one positional word as soon as it is seen, so the first bad token is the one reported. */
function checkPositional(name: CommandName, word: string, index: number): string {
  const most = MAX_POSITIONAL[name] ?? 0;
  if (index >= most) {
    if (name === "upgrade-hosts") fail(`at most ${most} packages per command.`);
    fail(most === 0 ? `${echo(`/${name}`)} takes no arguments.` : `unexpected ${echo(word)}.`);
  }
  if (name === "affected" && word.includes("=")) {
    fail(`${echo(word)}: \`/affected\` takes a package name without a version.`);
  }
  if (name === "upgrade-hosts" || name === "affected") packageSpec(word);
  else label(word, "container");
  return word;
}

function packageSpec(word: string): PackageSpec {
  const eq = word.indexOf("=");
  const name = eq < 0 ? word : word.slice(0, eq);
  if (!PACKAGE_NAME.test(name)) {
    const hint = PACKAGE_NAME.test(name.toLowerCase()) ? " Debian package names are lowercase." : "";
    fail(
      `${echo(name)} is not a Debian package name (lowercase letters, digits, \`+\`, \`-\`, \`.\`).${hint}`,
    );
  }
  if (eq < 0) return { name };
  const version = word.slice(eq + 1);
  if (version === "") fail(`${echo(word)} has an empty version.`);
  if (!PACKAGE_VERSION.test(version))
    fail(`${echo(version)} is not a Debian version (like \`2.36-9+deb12u4\`).`);
  return { name, version };
}

function hosts(list: string): string[] {
  const names = list.split(",");
  if (names.length > SLASH_LIMITS.hosts) fail(`at most ${SLASH_LIMITS.hosts} hosts per command.`);
  const seen = new Set<string>();
  for (const host of names) {
    if (host === "") fail(`${echo(list)} has an empty host name.`);
    label(host, "host");
    if (seen.has(host)) fail(`host ${echo(host)} is named twice.`);
    seen.add(host);
  }
  return names;
}

function checkLength(word: string): void {
  if (word.length > SLASH_LIMITS.tokenChars) {
    fail(`${echo(word)} is too long (over ${SLASH_LIMITS.tokenChars} characters).`);
  }
}

function label(word: string, what: "host" | "container"): void {
  if (!DNS_LABEL.test(word)) fail(`${echo(word)} is not a ${what} name (a DNS label like \`web-1\`).`);
}

function fail(message: string): never {
  throw new ArgError(message);
}
