/**
 * Quotes one argument for POSIX sh: single quotes, with each embedded `'` written as `'\''`.
 * Inside single quotes sh interprets nothing ($, `, \, newlines all stay literal), so this is
 * safe for any string. NUL cannot be passed through exec(2) at all, so it is refused, not dropped.
 */
export function quoteArg(arg: string): string {
  if (arg.includes("\0")) throw new Error("shellQuote: an argument contains a NUL byte");
  // Plain words stay readable in logs and dry-run output.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
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
