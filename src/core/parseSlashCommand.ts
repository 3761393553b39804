import { COMMAND_NAMES, type CommandName } from "./configSchema.js";
import { parseSlashCommandArgs } from "./slashCommandArgs.js";
import { type SlashLine, slashLines } from "./slashCommandLines.js";
import {
  echo,
  nearestCommand,
  renderHelp,
  SLASH_COMMANDS,
  SLASH_LIMITS,
  type SlashCommand,
} from "./slashCommands.js";

export type { SlashCommand } from "./slashCommands.js";

/** What to do with a comment: nothing, answer it, or run one command (after authorization). */
export type SlashCommandResult =
  | { kind: "ignore" }
  | { kind: "reply"; markdown: string }
  | { kind: "command"; command: SlashCommand };

/** Who is parsing: the name replies sign with (defaults to `hostroot`). */
export interface SlashCommandContext {
  botName?: string;
}

/** A line that is, or nearly is, a command: `exact` is set when the word names one. */
interface CommandLine extends SlashLine {
  word: string;
  exact?: CommandName;
  near: CommandName;
}

/**
 * Reads a comment body and decides, without side effects, whether it holds exactly one slash command.
 *
 * - A command is a line of its own starting with `/NAME` (after at most 3 spaces) outside code,
 *   quotes, HTML comments and collapsed blocks (see {@link slashLines}); a mention mid-sentence or
 *   in backticks is not a command. Command names are matched case-insensitively (phones capitalise
 *   the first letter); arguments are case-sensitive.
 * - Lines starting with an unknown word are paths (`/usr/lib`) and ignored, unless the word is close
 *   to a command name (`/upgrade-host`): that gets a "did you mean" reply.
 * - Two or more command lines: a reply, nothing runs. A command line with invisible characters or
 *   a look-alike slash: a reply, nothing runs (NBSP and other Unicode spaces count as spaces).
 * - Bad arguments: a usage reply naming the first bad token, echoed as inert code.
 * - `/help` answers with the command table whatever follows it (it has no effect to get wrong).
 * - A line that does not start with `>` is the author's own, even where markdown would render it
 *   as the lazy continuation of a quote above it.
 */
export function parseSlashCommand(body: string, context: SlashCommandContext = {}): SlashCommandResult {
  const bot =
    context.botName !== undefined && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(context.botName)
      ? context.botName
      : "hostroot";
  const lines = commandLines(body);
  const [only, second] = lines;
  if (only === undefined) return { kind: "ignore" };
  if (second !== undefined) return reply(bot, severalCommands(bot, lines));
  if (only.text !== only.probe) {
    return reply(
      bot,
      `line ${only.line} looks like ${echo(`/${only.near}`)} but holds invisible or look-alike characters: ` +
        `${echo(only.text)}. Retype the command in plain ASCII.`,
    );
  }
  if (only.exact === undefined) {
    return reply(
      bot,
      `${echo(`/${only.word}`)} is not a command. Did you mean ${echo(`/${only.near}`)}?`,
      only.near,
    );
  }
  if (only.exact === "help") return { kind: "reply", markdown: renderHelp(bot) };
  if (only.text.length > SLASH_LIMITS.lineChars) {
    return reply(bot, `the command line is over ${SLASH_LIMITS.lineChars} characters.`, only.exact);
  }
  const args = parseSlashCommandArgs(only.exact, only.text.split(/[ \t]+/).slice(1));
  if (args.kind === "error") return reply(bot, args.message, only.exact);
  return { kind: "command", command: args.command };
}

function commandLines(body: string): CommandLine[] {
  const found: CommandLine[] = [];
  for (const line of slashLines(body)) {
    // The first word, up to whitespace; bounded so a 100 KB line is not copied around.
    const word = /^\/([^ \t]{0,40})/.exec(line.probe)?.[1] ?? "";
    if (word.includes("/")) continue; // a path like /usr/lib or /deploy/x
    const lower = word.toLowerCase();
    const exact = COMMAND_NAMES.find((name) => name === lower);
    const near = exact ?? nearestCommand(word);
    if (near !== undefined) found.push({ ...line, word, near, ...(exact === undefined ? {} : { exact }) });
  }
  return found;
}

function severalCommands(bot: string, lines: CommandLine[]): string {
  const shown = lines.slice(0, 5).map((l) => `- line ${l.line}: ${echo(l.text)}`);
  if (lines.length > 5) shown.push(`- and ${lines.length - 5} more`);
  return [
    `this comment has ${lines.length} command lines, and ${bot} runs exactly one command per comment:`,
    "",
    ...shown,
    "",
    "Post each command in a comment of its own.",
  ].join("\n");
}

function reply(bot: string, message: string, usageOf?: CommandName): SlashCommandResult {
  const usage = usageOf === undefined ? [] : ["", `Usage: ${echo(SLASH_COMMANDS[usageOf].usage, 200)}`];
  const markdown = [
    `**${bot}** did not run anything: ${message}`,
    ...usage,
    "",
    "`/help` lists all commands.",
  ];
  return { kind: "reply", markdown: markdown.join("\n") };
}
