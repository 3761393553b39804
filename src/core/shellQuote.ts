/**
 * Words sh reads as syntax when they stand where a command name goes. Quoting them makes them
 * plain words again: `'if' x` runs a program named `if`, `if x` is a syntax error. (`!`, `{`,
 * `}` and `[[` are quoted anyway: they are not plain-word characters.)
 */
const RESERVED = new Set([
  "case",
  "do",
  "done",
  "elif",
  "else",
  "esac",
  "fi",
  "for",
  "if",
  "in",
  "then",
  "until",
  "while",
  // Not POSIX, but reserved in bash and ksh, which some hosts use as sh.
  "function",
  "select",
  "time",
]);

/**
 * Quotes one argument for POSIX sh: single quotes, with each embedded `'` written as `'\''`.
 * Inside single quotes sh interprets nothing ($, `, \, newlines all stay literal), so this is
 * safe for any string. NUL cannot be passed through exec(2) at all, so it is refused, not dropped.
 * Plain words stay unquoted for readable logs, except where their meaning depends on position:
 * `NAME=value` as the first word is an assignment, not a command, and reserved words are syntax.
 */
export function quoteArg(arg: string): string {
  if (arg.includes("\0")) throw new Error("shellQuote: an argument contains a NUL byte");
  if (/^[A-Za-z0-9_@%+:,./-]+$/.test(arg) && !RESERVED.has(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * The one function that turns argv into a remote command string. Nothing else in hostroot builds
 * a shell string from data: every remote script is lines of `shellQuote(argv)` joined by the
 * core's script builders, so no user text is ever interpolated into a shell.
 */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("shellQuote: empty argv");
  return argv.map(quoteArg).join(" ");
}
