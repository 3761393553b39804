import { COMMAND_NAMES, type CommandName, DEFAULT_COMMAND_RULES } from "./configSchema.js";
import { DEBIAN_PACKAGE } from "./debianPackage.js";
import { DNS_LABEL } from "./definitionSchema.js";
import { editDistance } from "./suggest.js";

/** A Debian package, optionally pinned to one version (`libc6=2.36-9+deb12u4`). */
export interface PackageSpec {
  name: string;
  version?: string;
}

/** One parsed slash command: only values that passed the token rules below ever reach this type. */
export type SlashCommand =
  | {
      kind: "upgrade-hosts";
      packages: PackageSpec[];
      platform?: string;
      hosts?: string[];
      dryRun: boolean;
      /** `--allow-downgrade`: a pinned version may be older than the installed one. */
      allowDowngrade?: true;
    }
  | { kind: "restart"; target: { kind: "container"; name: string } | { kind: "all" }; host?: string }
  | { kind: "status"; name?: string }
  | { kind: "affected"; package: string }
  | { kind: "plan" }
  | { kind: "deploy" }
  | { kind: "cancel" }
  | { kind: "help" };

/** Debian policy 5.6.1: lowercase letters, digits, `+ - .`; at least two characters. */
export const PACKAGE_NAME = DEBIAN_PACKAGE;
/** Debian policy 5.6.12: `[epoch:]upstream[-revision]`, upstream starting with a digit. */
export const PACKAGE_VERSION = /^(?:[0-9]{1,9}:)?[0-9][A-Za-z0-9.+~]*(?:-[A-Za-z0-9.+~]+)*$/;
/** Same rule as the pool's platform keys (`debian-12`, `ubuntu-24.04`). */
export const PLATFORM_ID = /^[a-z0-9][a-z0-9.-]*$/;
/** Host and container names are DNS labels, as in definitions and the pool. */
export { DNS_LABEL };

/**
 * Bounds on one command line. Generous for real use (50 packages with versions fit), small enough
 * that a hostile comment cannot make a reply, a lock queue entry or a log line explode.
 */
export const SLASH_LIMITS = {
  lineChars: 4000,
  tokenChars: 200,
  packages: 50,
  hosts: 100,
  /** Echoed user text is cut to this many characters in replies. */
  echoChars: 60,
} as const;

/** Usage line and one-line summary of every command, in the order `/help` lists them. */
export const SLASH_COMMANDS: Record<CommandName, { usage: string; summary: string }> = {
  "upgrade-hosts": {
    usage: "/upgrade-hosts PKG[=VERSION]... [--allow-downgrade] [--platform P] [--hosts h1,h2] [--dry-run]",
    summary:
      "Upgrade host packages (or install exactly a pinned version) host by host, then restart the containers that use them.",
  },
  restart: {
    usage: "/restart NAME|--all [--host H]",
    summary: "Stop and start a container (or all of them), optionally on one host only.",
  },
  status: { usage: "/status [NAME]", summary: "Show where containers run and whether they are healthy." },
  affected: {
    usage: "/affected PKG",
    summary: "List the containers that would restart if PKG were upgraded.",
  },
  plan: {
    usage: "/plan",
    summary: "Show what deploying the default branch would change, without changing it.",
  },
  deploy: { usage: "/deploy", summary: "Apply the definitions of the default branch to the pool." },
  cancel: { usage: "/cancel", summary: "Cancel the operations hostroot is running for this repository." },
  help: { usage: "/help", summary: "Show this table." },
};

/**
 * Renders user text so a reply shows it literally: a code span (no markdown, HTML, @mentions or
 * #references inside) whose backtick fence is longer than any run in the text, with non-ASCII and
 * control characters written as `\u{...}` so look-alikes and invisible characters stand out.
 */
export function echo(text: string, max: number = SLASH_LIMITS.echoChars): string {
  if (text === "") return "(empty)";
  let visible = "";
  let count = 0;
  for (const c of text) {
    if (count === max) {
      visible += "…";
      break;
    }
    visible += /^[\x20-\x7e]$/.test(c) ? c : `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`;
    count++;
  }
  const longestRun = Math.max(0, ...(visible.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  // CommonMark strips one space on each side, which lets content start or end with a backtick.
  const pad = /^[` ]|[` ]$/.test(visible) ? " " : "";
  return `${fence}${pad}${visible}${pad}${fence}`;
}

/**
 * The command a mistyped word most likely meant (`upgrade-host`, `Deploy,`, `upgrade`), or
 * undefined when the word is not near any command: people start lines with paths (`/usr/lib`).
 */
export function nearestCommand(word: string): CommandName | undefined {
  const lower = word.toLowerCase();
  // Bounded so a 100 KB "word" costs nothing; no command is anywhere near that long.
  if (lower.length === 0 || lower.length > 32) return undefined;
  // Stricter than suggest(): other bots' commands (`/hold`, `/start`) must not draw a reply.
  const limit = lower.length <= 6 ? 1 : 2;
  let best: CommandName | undefined;
  let bestDistance = limit + 1;
  for (const name of COMMAND_NAMES) {
    const d = editDistance(lower, name, limit);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  // A clipped name (`/upgrade libc6`, `/resta`) is a plausible slip; short prefixes are not.
  if (best === undefined && lower.length >= 4) return COMMAND_NAMES.find((name) => name.startsWith(lower));
  return best;
}

/** `/help`: a markdown table of every command's usage, summary and default permission. */
export function renderHelp(botName: string): string {
  const rows = COMMAND_NAMES.map((name) => {
    const { usage, summary } = SLASH_COMMANDS[name];
    // GFM splits table cells on `|` even inside code spans unless it is escaped.
    return `| ${echo(usage, 200).replaceAll("|", "\\|")} | ${summary} | ${DEFAULT_COMMAND_RULES[name].permission} |`;
  });
  return [
    `**${botName}** commands. Write one command on a line of its own, one command per comment.`,
    "",
    "| Command | What it does | Needs by default |",
    "|---|---|---|",
    ...rows,
    "",
    "The permission is on this repository (or higher); the repository's `policy.commands` may change it or name teams.",
  ].join("\n");
}

/** The canonical text of a command (what a user would type to get exactly this value). */
export function formatSlashCommand(command: SlashCommand): string {
  const words: string[] = [`/${command.kind}`];
  switch (command.kind) {
    case "upgrade-hosts":
      for (const p of command.packages)
        words.push(p.version === undefined ? p.name : `${p.name}=${p.version}`);
      if (command.platform !== undefined) words.push("--platform", command.platform);
      if (command.hosts !== undefined) words.push("--hosts", command.hosts.join(","));
      if (command.allowDowngrade) words.push("--allow-downgrade");
      if (command.dryRun) words.push("--dry-run");
      break;
    case "restart":
      words.push(command.target.kind === "all" ? "--all" : command.target.name);
      if (command.host !== undefined) words.push("--host", command.host);
      break;
    case "status":
      if (command.name !== undefined) words.push(command.name);
      break;
    case "affected":
      words.push(command.package);
      break;
  }
  return words.join(" ");
}

/**
 * Whether running `command` contacts the pool: every command but `/help`, `/cancel`, and `/plan`
 * where the thread is a pull request the adapter plans from its head alone. Adapters that cannot
 * reach hosts (no SSH key, no pool bound) refuse exactly these, before acknowledging.
 */
export function reachesHosts(command: SlashCommand, options: { plansPullRequest: boolean }): boolean {
  if (command.kind === "help" || command.kind === "cancel") return false;
  return !(command.kind === "plan" && options.plansPullRequest);
}
